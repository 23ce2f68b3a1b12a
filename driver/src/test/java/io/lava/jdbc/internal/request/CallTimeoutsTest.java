package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/** The per-call time limits: their defaults and how they reach an AWS request. */
class CallTimeoutsTest {

    @Test
    void defaultsAreTheProperties() {
        assertThat(CallTimeouts.DEFAULT).isEqualTo(new CallTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(3)));
    }

    @Test
    void bothLimitsAreSetOnTheRequest() {
        AwsRequestOverrideConfiguration.Builder request = AwsRequestOverrideConfiguration.builder();
        new CallTimeouts(Duration.ofSeconds(7), Duration.ofMillis(1500)).applyTo(request);
        AwsRequestOverrideConfiguration built = request.build();
        assertThat(built.apiCallTimeout()).contains(Duration.ofSeconds(7));
        assertThat(built.apiCallAttemptTimeout()).contains(Duration.ofMillis(1500));
    }
}
