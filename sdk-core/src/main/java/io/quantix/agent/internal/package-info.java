/** Internals shared by every package of sdk-core (argument checks, reused frame arrays); not API. */
package io.quantix.agent.internal;
