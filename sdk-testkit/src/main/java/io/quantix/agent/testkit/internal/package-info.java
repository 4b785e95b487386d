/** Implementation of the fake agent; not API, may change without notice. */
package io.quantix.agent.testkit.internal;
