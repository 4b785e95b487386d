package io.quantix.agent.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package order of sdk-core, as written in {@code io/quantix/agent/package-info.java}: each
 * package imports only the ones below it, so a newcomer can read the SDK from the bottom up and no
 * type has to be public only to close a cycle.
 *
 * <pre>
 * registry           AgentRegistry, resolvers, the status hub
 *   client.internal  VmLink, the call router, the session handler, the operation impls
 *     client         AgentClient, options/specs, results, AgentStatus/AgentState
 *       transport    endpoints, the Transport SPI, Transports (+ transport.internal)
 *         framing    frame encoder and decoder
 *           (root)   AgentException, ConnectFailure, Deadline (+ internal: Checks)
 * </pre>
 */
@AnalyzeClasses(packages = "io.quantix.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageOrderTest {

  private static final String ROOT = "io.quantix.agent";

  /** Any import from a lower package to a higher one fails here. */
  @ArchTest
  static final ArchRule packagesPointOneWay = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("root").definedBy(ROOT, ROOT + ".internal")
      .layer("framing").definedBy(ROOT + ".framing")
      .layer("transport").definedBy(ROOT + ".transport", ROOT + ".transport.internal")
      .layer("client").definedBy(ROOT + ".client")
      .layer("client.internal").definedBy(ROOT + ".client.internal")
      .layer("registry").definedBy(ROOT + ".registry", ROOT + ".registry.internal")
      .whereLayer("registry").mayNotBeAccessedByAnyLayer()
      .whereLayer("client.internal").mayOnlyBeAccessedByLayers("registry")
      .whereLayer("client").mayOnlyBeAccessedByLayers("client.internal", "registry")
      .whereLayer("transport").mayOnlyBeAccessedByLayers("client", "client.internal", "registry")
      .whereLayer("framing")
      .mayOnlyBeAccessedByLayers("transport", "client", "client.internal", "registry")
      .because("sdk-core's packages point one way (see io.quantix.agent's package-info)");

  /** The transport's internals serve the transport tree (sdk-core's and the transport modules'). */
  @ArchTest
  static final ArchRule transportInternalsStayInTheTransportTree = noClasses()
      .that().resideOutsideOfPackage(ROOT + ".transport..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".transport.internal..")
      .because("transport.internal is not API: only transports use it");

  /** The client's internals serve the client tree and the registry that wires them, nobody else. */
  @ArchTest
  static final ArchRule clientInternalsStayInTheClientTree = noClasses()
      .that().resideOutsideOfPackages(ROOT + ".client..", ROOT + ".registry..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".client.internal..")
      .because("client.internal is not API: only the client and the registry above it use it");

  /** The registry's internals serve the registry only. */
  @ArchTest
  static final ArchRule registryInternalsStayInTheRegistry = noClasses()
      .that().resideOutsideOfPackage(ROOT + ".registry..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".registry.internal..")
      .because("registry.internal is not API");

  /** Core knows transports only through the Transport SPI and ServiceLoader, never by name. */
  @ArchTest
  static final ArchRule coreReachesNoModuleAboveIt = noClasses()
      .that().resideInAnyPackage(ROOT, ROOT + ".internal", ROOT + ".framing",
          ROOT + ".transport", ROOT + ".transport.internal", ROOT + ".client",
          ROOT + ".client.internal", ROOT + ".registry", ROOT + ".registry.internal")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".transport.virtio..",
          ROOT + ".transport.vsock..", ROOT + ".testkit..", ROOT + ".examples..",
          ROOT + ".agentctl..", ROOT + ".benchmarks..", ROOT + ".it..")
      .because("sdk-core is the bottom module: transports, the testkit, examples and benchmarks"
          + " depend on it, never the other way");
}
