/** The registry's internals: its link table. Not API; used by {@code io.quantix.agent.registry} only. */
package io.quantix.agent.registry.internal;
