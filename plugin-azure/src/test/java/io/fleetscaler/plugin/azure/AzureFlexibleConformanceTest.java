package io.fleetscaler.plugin.azure;

/** The conformance kit on a Flexible scale set. */
class AzureFlexibleConformanceTest extends AzureConformanceBase {
  @Override
  boolean flexible() {
    return true;
  }
}
