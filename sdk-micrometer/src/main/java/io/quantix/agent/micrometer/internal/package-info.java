/** Bookkeeping behind the public instrumentation; not an API. */
package io.quantix.agent.micrometer.internal;
