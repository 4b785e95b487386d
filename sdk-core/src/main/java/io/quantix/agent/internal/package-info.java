/** Internals shared by every package of sdk-core (argument checks); not API. */
package io.quantix.agent.internal;
