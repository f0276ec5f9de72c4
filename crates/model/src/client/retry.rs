//! When a client tries a failed request again: capped exponential backoff with full
//! jitter, rationed by a token bucket per client process.

use super::memory::ClientMemory;
use crate::response::Status;
use rand::RngExt;
use s3sim_engine::{SimDuration, SimRng};

/// Retry like the AWS SDKs: capped exponential backoff with full jitter, at most
/// `max_attempts` tries per request, optionally rationed by a token bucket.
///
/// Without a quota a fleet of clients retrying into an outage multiplies the load
/// (a retry storm); the SDKs' "standard" retry mode adds the quota for that reason.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration};
/// use s3sim_model::client::RetryPolicy;
/// let ms = SimDuration::from_millis;
/// let policy = RetryPolicy { max_attempts: 3, base: ms(100), cap: ms(20_000), quota: None };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// // The third retry waits up to 100 ms · 2² = 400 ms.
/// assert_eq!(policy.backoff_bound(2), ms(400));
/// assert!(policy.backoff(2, &mut rng) <= ms(400));
/// assert_eq!(policy.backoff_bound(30), ms(20_000), "capped");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per request, the first included (SDK default 3).
    pub max_attempts: u8,
    /// Backoff base (the first retry waits up to this long).
    pub base: SimDuration,
    /// Longest backoff.
    pub cap: SimDuration,
    /// Token bucket that rations retries, per client process.
    pub quota: Option<RetryQuota>,
}

impl RetryPolicy {
    /// Decide whether a request that got `status` on its try number `*attempts` tries
    /// again, and after which backoff; counts the new try in `*attempts`.
    ///
    /// Only retryable statuses are retried, at most `max_attempts` tries in all, and with
    /// a quota only while the client's process can pay for the retry (`memory` holds its
    /// spending). The backoff comes from `rng`, the run's retry stream.
    ///
    /// ```
    /// use s3sim_engine::{RandomStreams, SimDuration};
    /// use s3sim_model::client::{ClientMemory, RetryPolicy, RetryQuota};
    /// use s3sim_model::response::Status;
    /// let ms = SimDuration::from_millis;
    /// let quota = RetryQuota { capacity: 15, ..RetryQuota::default() };
    /// let policy = RetryPolicy { max_attempts: 3, base: ms(100), cap: ms(20_000),
    ///     quota: Some(quota) };
    /// let mut memory = ClientMemory::default();
    /// let mut rng = RandomStreams::new(1).stream("doc", 0);
    /// let mut attempts = 1;
    /// let mut retry = |status, attempts: &mut u8| {
    ///     policy.next_try(status, attempts, &mut memory, &mut rng)
    /// };
    /// assert!(retry(Status::NotFound, &mut attempts).is_none(), "a 404 fails the same way again");
    /// assert!(retry(Status::Timeout, &mut attempts).is_some_and(|d| d <= ms(100)));
    /// assert!(retry(Status::Timeout, &mut attempts).is_none(), "10 tokens spent, 5 left");
    /// assert!(retry(Status::SlowDown, &mut attempts).is_some_and(|d| d <= ms(200)));
    /// assert_eq!(attempts, 3);
    /// assert!(retry(Status::SlowDown, &mut attempts).is_none(), "out of attempts");
    /// ```
    pub fn next_try(
        &self,
        status: Status,
        attempts: &mut u8,
        memory: &mut ClientMemory,
        rng: &mut SimRng,
    ) -> Option<SimDuration> {
        if !status.is_retryable() || *attempts >= self.max_attempts {
            return None;
        }
        if self.quota.is_some_and(|q| !q.charge(status, memory)) {
            return None;
        }
        let retries_so_far = u32::from(*attempts - 1);
        *attempts += 1;
        Some(self.backoff(retries_so_far, rng))
    }

    /// The longest wait before retry number `retries_so_far + 1`: min(cap, base · 2^n).
    pub fn backoff_bound(&self, retries_so_far: u32) -> SimDuration {
        let factor = 1u64.checked_shl(retries_so_far).unwrap_or(u64::MAX);
        SimDuration::from_nanos(self.base.as_nanos().saturating_mul(factor)).min(self.cap)
    }

    /// Draw the wait before the next retry: uniform on [0, bound] ("full jitter").
    pub fn backoff(&self, retries_so_far: u32, rng: &mut SimRng) -> SimDuration {
        let bound = self.backoff_bound(retries_so_far).as_nanos();
        SimDuration::from_nanos(rng.random_range(0..=bound))
    }
}

/// Ration retries with a token bucket, as the SDKs' standard retry mode does.
///
/// A retry costs tokens (a timeout more), a success gives some back, and a client
/// with too few tokens gives up instead of retrying, so an outage cannot make a fleet
/// send unbounded extra load.
///
/// ```
/// use s3sim_model::client::RetryQuota;
/// let q = RetryQuota::default();
/// assert_eq!((q.capacity, q.retry_cost, q.timeout_cost, q.success_refund), (500, 5, 10, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryQuota {
    /// Tokens in a full bucket (a new process starts full).
    pub capacity: u16,
    /// Tokens a retry costs.
    pub retry_cost: u16,
    /// Tokens a retry after a timeout costs.
    pub timeout_cost: u16,
    /// Tokens a successful request returns.
    pub success_refund: u16,
}

impl RetryQuota {
    /// Charge a retry after `status` to the client process's tokens: a timeout costs
    /// `timeout_cost`, anything else `retry_cost`; `false` if it cannot pay.
    pub fn charge(&self, status: Status, memory: &mut ClientMemory) -> bool {
        let cost = if status == Status::Timeout {
            self.timeout_cost
        } else {
            self.retry_cost
        };
        memory.try_spend(self.capacity, cost)
    }

    /// Give the client process back the tokens a success earns.
    pub fn refund(&self, memory: &mut ClientMemory) {
        memory.refund(self.success_refund);
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_refuses_a_retry_it_cannot_pay_for_and_refills_on_success() {
        let quota = RetryQuota {
            capacity: 12,
            ..RetryQuota::default()
        };
        let mut m = ClientMemory::default();
        let retry = Status::SlowDown;
        assert!(quota.charge(retry, &mut m) && quota.charge(retry, &mut m));
        assert!(!quota.charge(retry, &mut m), "2 tokens left");
        quota.refund(&mut m);
        quota.refund(&mut m);
        quota.refund(&mut m);
        assert!(quota.charge(retry, &mut m), "5 tokens left");
        m.enter_epoch(1);
        assert!(
            quota.charge(Status::Timeout, &mut m),
            "a restarted process starts full"
        );
    }

    #[test]
    fn backoff_stays_within_full_jitter_bounds() {
        let ms = SimDuration::from_millis;
        let policy = RetryPolicy {
            max_attempts: 5,
            base: ms(50),
            cap: ms(1_000),
            quota: None,
        };
        let mut rng = s3sim_engine::RandomStreams::new(3).stream("test", 0);
        for n in 0..8 {
            let bound = ms(50 * (1 << n)).min(ms(1_000));
            assert_eq!(policy.backoff_bound(n), bound);
            let draws: Vec<SimDuration> = (0..2_000).map(|_| policy.backoff(n, &mut rng)).collect();
            assert!(draws.iter().all(|&d| d <= bound));
            let mean = draws.iter().map(|d| d.as_secs_f64()).sum::<f64>() / 2_000.0;
            let half = bound.as_secs_f64() / 2.0;
            assert!((mean - half).abs() < 0.05 * half, "mean {mean} vs {half}");
        }
    }
}
