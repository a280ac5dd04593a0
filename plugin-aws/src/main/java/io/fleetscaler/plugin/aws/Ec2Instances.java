package io.fleetscaler.plugin.aws;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/** EC2 {@code DescribeInstances} of named instances, as a map; shared by update and suspension. */
final class Ec2Instances {
  /** AWS takes at most 200 values per filter. */
  private static final int BATCH = 200;

  private Ec2Instances() {}

  /**
   * The EC2 instances among {@code ids}, all pages read. By an {@code instance-id} filter rather
   * than {@code InstanceIds}, so that an id EC2 no longer knows is simply absent instead of failing
   * the whole call with {@code InvalidInstanceID.NotFound}.
   *
   * @throws io.fleetscaler.plugin.api.ProviderException as {@link AwsErrors} maps the failure
   */
  static Map<String, Instance> describe(Ec2Client ec2, List<String> ids) {
    Map<String, Instance> out = new HashMap<>();
    for (int i = 0; i < ids.size(); i += BATCH) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + BATCH));
      try {
        ec2.describeInstancesPaginator(
                r -> r.filters(Filter.builder().name("instance-id").values(chunk).build()))
            .reservations()
            .forEach(
                reservation -> {
                  for (Instance instance : reservation.instances()) {
                    out.put(instance.instanceId(), instance);
                  }
                });
      } catch (SdkException | UncheckedIOException e) {
        throw AwsErrors.map("DescribeInstances", e);
      }
    }
    return out;
  }
}
