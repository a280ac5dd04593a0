package io.fleetscaler.plugin.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;

/**
 * Sets up Auto Scaling groups in moto through the real SDK, the way an operator would in AWS, and
 * looks at them from the outside: a Linux AMI, a launch template and a group with min 0, desired 0,
 * a maximum, one availability zone, and (unless a test wants otherwise) scale-in protection and
 * {@code AZRebalance} suspended.
 */
final class AsgFixture implements AutoCloseable {
  static final String REGION = "us-east-1";
  static final String ZONE = "us-east-1a";

  private static @Nullable Path credentials;

  private final URI endpoint;
  private final AutoScalingClient autoScaling;
  private final Ec2Client ec2;

  AsgFixture(URI endpoint) {
    this.endpoint = endpoint;
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    this.autoScaling =
        AutoScalingClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(REGION))
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    this.ec2 =
        Ec2Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(REGION))
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** A protected group with AZRebalance suspended: the setup the plugin asks for. */
  void createGroup(String name, int maxSize) {
    createGroup(name, maxSize, true, true);
  }

  void createGroup(String name, int maxSize, boolean protectNew, boolean suspendRebalance) {
    createGroup(name, maxSize, protectNew, suspendRebalance, linuxAmi());
  }

  /** A protected group with AZRebalance suspended whose instances run Windows. */
  void createWindowsGroup(String name, int maxSize) {
    createGroup(name, maxSize, true, true, windowsAmi());
  }

  private void createGroup(
      String name, int maxSize, boolean protectNew, boolean suspendRebalance, String ami) {
    String template = name + "-template";
    ec2.createLaunchTemplate(
        r ->
            r.launchTemplateName(template)
                .launchTemplateData(d -> d.imageId(ami).instanceType("t3.micro")));
    autoScaling.createAutoScalingGroup(
        r ->
            r.autoScalingGroupName(name)
                .launchTemplate(t -> t.launchTemplateName(template).version("$Latest"))
                .minSize(0)
                .maxSize(maxSize)
                .desiredCapacity(0)
                .newInstancesProtectedFromScaleIn(protectNew)
                .availabilityZones(ZONE));
    if (suspendRebalance) {
      autoScaling.suspendProcesses(
          r -> r.autoScalingGroupName(name).scalingProcesses("AZRebalance"));
    }
  }

  /** Moto lists Windows AMIs first; the plugin's Linux path needs a Linux one. */
  private String linuxAmi() {
    return ec2
        .describeImages(
            r ->
                r.owners("amazon")
                    .filters(Filter.builder().name("name").values("amzn2-ami-hvm-*").build()))
        .images()
        .stream()
        .filter(i -> i.platform() == null)
        .map(Image::imageId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("moto lists no Amazon Linux 2 AMI"));
  }

  private String windowsAmi() {
    return ec2.describeImages(r -> r.owners("amazon")).images().stream()
        .filter(i -> "windows".equals(i.platformAsString()))
        .map(Image::imageId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("moto lists no Windows AMI"));
  }

  AutoScalingGroup group(String name) {
    return autoScaling
        .describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
        .autoScalingGroups()
        .get(0);
  }

  List<String> instanceIds(String name) {
    return group(name).instances().stream().map(Instance::instanceId).toList();
  }

  void setDesiredCapacity(String name, int desired) {
    autoScaling.setDesiredCapacity(
        r -> r.autoScalingGroupName(name).desiredCapacity(desired).honorCooldown(false));
  }

  URI endpoint() {
    return endpoint;
  }

  AutoScalingClient autoScaling() {
    return autoScaling;
  }

  Ec2Client ec2() {
    return ec2;
  }

  /**
   * The plugin_config of group {@code name} on moto, with static test credentials read from a
   * credentials file (the {@code credentials_file} key).
   */
  String config(String name) {
    return "{\"name\":\""
        + name
        + "\",\"region\":\""
        + REGION
        + "\",\"endpoint\":\""
        + endpoint
        + "\",\"credentials_file\":\""
        + credentialsFile()
        + "\"}";
  }

  /** A credentials file with moto's dummy keys in the default profile, made once per run. */
  static synchronized Path credentialsFile() {
    if (credentials == null) {
      try {
        Path file = Files.createTempFile("fleetscaler-aws-test-credentials", ".ini");
        Files.writeString(
            file, "[default]\naws_access_key_id = test\naws_secret_access_key = test\n");
        file.toFile().deleteOnExit();
        credentials = file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return credentials;
  }

  @Override
  public void close() {
    autoScaling.close();
    ec2.close();
  }
}
