/**
 * Spring Boot auto-configuration of the agent SDK: an {@code AgentRegistry} bean from
 * {@code quantix.agent.*}, its Micrometer binding and the {@code quantixAgent} health indicator.
 */
package io.quantix.agent.spring.boot;
