package io.fleetscaler.plugin.azure;

/** The conformance kit on a Uniform scale set. */
class AzureUniformConformanceTest extends AzureConformanceBase {
  @Override
  boolean flexible() {
    return false;
  }
}
