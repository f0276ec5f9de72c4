//! What one client process remembers between requests: DNS answers, learned regions,
//! sticky endpoints and the retry tokens it has spent.

use crate::bucket::BucketId;
use crate::dns::{Answer, Host};
use crate::topology::RegionId;
use s3sim_engine::SimTime;

/// Remember, per client, what its process has cached: DNS answers, learned regions,
/// sticky endpoints.
///
/// Kept as one short vector so that a client costs 32 bytes until it caches something;
/// memory grows with clients and the names they use, never with simulated time.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::client::ClientMemory;
/// use s3sim_model::dns::{Answer, Host};
/// let mut m = ClientMemory::default();
/// m.remember_answer(Host::PathGlobal, Answer::Ip(3), 0, SimTime::from_secs(30));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(29)), Some((Answer::Ip(3), 0)));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(30)), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientMemory {
    epoch: u32,
    /// Retry-quota tokens spent (a new process has spent none).
    spent: u16,
    memos: Vec<Memo>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Memo {
    Dns {
        host: Host,
        answer: Answer,
        version: u16,
        expires: SimTime,
    },
    Region {
        bucket: BucketId,
        region: RegionId,
        expires: SimTime,
    },
    Sticky {
        bucket: BucketId,
        host: Host,
    },
}

impl ClientMemory {
    /// Forget everything if the process has restarted since the last request.
    pub fn enter_epoch(&mut self, epoch: u32) {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.forget_all();
        }
    }

    /// Forget everything (a new process).
    pub fn forget_all(&mut self) {
        self.memos.clear();
        self.spent = 0;
    }

    /// Take `cost` tokens from a retry quota of `capacity` tokens if that many are left.
    ///
    /// The process's spending is kept here, with its other memories, so that a restart
    /// refills the quota; what a retry costs is the [`RetryQuota`](super::RetryQuota)'s
    /// business.
    pub fn try_spend(&mut self, capacity: u16, cost: u16) -> bool {
        let left = capacity.saturating_sub(self.spent);
        let affordable = cost <= left;
        if affordable {
            self.spent += cost;
        }
        affordable
    }

    /// Give `tokens` back to the retry quota (a success earns some).
    pub fn refund(&mut self, tokens: u16) {
        self.spent = self.spent.saturating_sub(tokens);
    }

    /// Look up a cached, unexpired DNS answer for `host` with its version.
    pub fn answer(&self, host: Host, now: SimTime) -> Option<(Answer, u16)> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Dns {
                host: h,
                answer,
                version,
                expires,
            } if h == host && now < expires => Some((answer, version)),
            _ => None,
        })
    }

    /// Cache a DNS answer until `expires`, replacing any older one.
    pub fn remember_answer(&mut self, host: Host, answer: Answer, version: u16, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Dns { host: h, .. } if *h == host));
        self.memos.push(Memo::Dns {
            host,
            answer,
            version,
            expires,
        });
    }

    /// Look up the region learned for `bucket`, if still remembered.
    pub fn region(&self, bucket: BucketId, now: SimTime) -> Option<RegionId> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Region {
                bucket: b,
                region,
                expires,
            } if b == bucket && now < expires => Some(region),
            _ => None,
        })
    }

    /// Remember `bucket`'s region until `expires`.
    pub fn learn_region(&mut self, bucket: BucketId, region: RegionId, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Region { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Region {
            bucket,
            region,
            expires,
        });
    }

    /// Look up the endpoint a redirect gave for `bucket`, if the client sticks to one.
    pub fn sticky(&self, bucket: BucketId) -> Option<Host> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Sticky { bucket: b, host } if b == bucket => Some(host),
            _ => None,
        })
    }

    /// Keep using `host` for `bucket` from now on.
    pub fn stick(&mut self, bucket: BucketId, host: Host) {
        self.memos
            .retain(|m| !matches!(m, Memo::Sticky { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Sticky { bucket, host });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_memory_stays_small() {
        assert!(std::mem::size_of::<ClientMemory>() <= 32);
    }

    #[test]
    fn a_restart_forgets_answers_regions_and_sticky_endpoints() {
        let mut m = ClientMemory::default();
        m.remember_answer(Host::PathGlobal, Answer::Ip(1), 0, SimTime::NEVER);
        m.learn_region(2, 1, SimTime::NEVER);
        m.stick(2, Host::BucketRegional(2, 1));
        m.enter_epoch(0);
        assert!(m.answer(Host::PathGlobal, SimTime::ZERO).is_some());
        m.enter_epoch(1);
        assert_eq!(m.answer(Host::PathGlobal, SimTime::ZERO), None);
        assert_eq!(m.region(2, SimTime::ZERO), None);
        assert_eq!(m.sticky(2), None);
    }
}
