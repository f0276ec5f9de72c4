//! What one client process remembers between requests: DNS answers, learned regions,
//! sticky endpoints and the retry tokens it has spent.

use crate::bucket::BucketId;
use crate::dns::{Answer, Host};
use crate::topology::RegionId;
use s3sim_engine::SimTime;
use thin_vec::ThinVec;

/// Remember, per client, what its process has cached: DNS answers, learned regions,
/// sticky endpoints.
///
/// A client costs 40 bytes until it remembers a second thing: the first memory is kept
/// inline in the record (one cache line with the retry tokens and the epoch), later ones
/// spill to a heap vector. Expired answers and regions are dropped by
/// [`ClientMemory::drop_expired`], so memory grows with clients and the names they use,
/// never with simulated time.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::client::ClientMemory;
/// use s3sim_model::dns::{Answer, Host};
/// let mut m = ClientMemory::default();
/// m.remember_answer(Host::PathGlobal, Answer::Ip(3), 0, SimTime::from_secs(30));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(29)), Some((Answer::Ip(3), 0)));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(30)), None);
/// assert_eq!(m.len(), 1);
/// m.drop_expired(SimTime::from_secs(30));
/// assert_eq!(m.len(), 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClientMemory {
    /// The first memory (kind `Empty` when there is none).
    first: Memo,
    /// Memories past the first, allocated only when there are some: a `ThinVec`
    /// keeps its length and capacity in the allocation, so it takes 8 bytes of the
    /// record (a `Vec` takes 24) and one pointer hop to reach.
    more: ThinVec<Memo>,
    epoch: u32,
    /// Retry-quota tokens spent (a new process has spent none).
    spent: u16,
}

impl Default for ClientMemory {
    fn default() -> Self {
        ClientMemory {
            first: Memo::EMPTY,
            more: ThinVec::new(),
            epoch: 0,
            spent: 0,
        }
    }
}

/// What a memo holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    /// A DNS answer `Answer::Ip(word)` for `host`, version `short`.
    DnsIp,
    /// A cached NXDOMAIN for `host`, version `short`.
    DnsNx,
    /// A SERVFAIL for `host` (callers do not cache them; kept exact if asked to).
    DnsServFail,
    /// Bucket `word` lives in region `short`.
    Region,
    /// Bucket `word` is addressed at `host` from now on.
    Sticky,
}

/// One memory in 24 bytes; the fields mean what [`Kind`] says.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Memo {
    /// A DNS answer's or a region's expiry; `NEVER` for a sticky endpoint.
    expires: SimTime,
    host: Host,
    word: u32,
    short: u16,
    kind: Kind,
}

impl Memo {
    const EMPTY: Memo = Memo {
        expires: SimTime::ZERO,
        host: Host::PathGlobal,
        word: 0,
        short: 0,
        kind: Kind::Empty,
    };

    fn dns(host: Host, answer: Answer, version: u16, expires: SimTime) -> Memo {
        let (kind, word) = match answer {
            Answer::Ip(ip) => (Kind::DnsIp, ip),
            Answer::NxDomain => (Kind::DnsNx, 0),
            Answer::ServFail => (Kind::DnsServFail, 0),
        };
        Memo {
            expires,
            host,
            word,
            short: version,
            kind,
        }
    }

    fn is_dns(&self) -> bool {
        matches!(self.kind, Kind::DnsIp | Kind::DnsNx | Kind::DnsServFail)
    }

    /// The cached answer with its version, if this is a DNS memo for `host`.
    fn answer_for(&self, host: Host) -> Option<(Answer, u16)> {
        let answer = match self.kind {
            Kind::DnsIp => Answer::Ip(self.word),
            Kind::DnsNx => Answer::NxDomain,
            Kind::DnsServFail => Answer::ServFail,
            Kind::Empty | Kind::Region | Kind::Sticky => return None,
        };
        (self.host == host).then_some((answer, self.short))
    }

    /// The same thing remembered (the memo `other` replaces this one).
    fn same_key(&self, other: &Memo) -> bool {
        match other.kind {
            Kind::DnsIp | Kind::DnsNx | Kind::DnsServFail => {
                self.is_dns() && self.host == other.host
            }
            Kind::Region | Kind::Sticky => self.kind == other.kind && self.word == other.word,
            Kind::Empty => false,
        }
    }

    /// Nothing here, or an answer or region that expired by `now`.
    fn is_dead(&self, now: SimTime) -> bool {
        self.kind == Kind::Empty || now >= self.expires
    }
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
        self.first = Memo::EMPTY;
        self.more = ThinVec::new();
        self.spent = 0;
    }

    /// Count the memories held (expired ones included until [`Self::drop_expired`]).
    pub fn len(&self) -> usize {
        usize::from(self.first.kind != Kind::Empty) + self.more.len()
    }

    /// Tell whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drop the answers and regions that expired by `now` (sticky endpoints stay), and
    /// free the spill vector once the first slot holds all that is left.
    ///
    /// Lookups already ignore expired memories; this only bounds memory. Time must not
    /// go back afterwards (the simulation's never does).
    pub fn drop_expired(&mut self, now: SimTime) {
        if !self.more.is_empty() {
            self.more.retain(|m| !m.is_dead(now));
        }
        if self.first.is_dead(now) {
            self.first = self.more.pop().unwrap_or(Memo::EMPTY);
        }
        if self.more.is_empty() && self.more.capacity() > 0 {
            self.more = ThinVec::new();
        }
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

    /// The memories, the inline one first.
    fn memos(&self) -> impl Iterator<Item = &Memo> {
        std::iter::once(&self.first)
            .filter(|m| m.kind != Kind::Empty)
            .chain(self.more.iter())
    }

    /// Keep `memo`: in place of the memory it updates, else in the first slot if free,
    /// else in the spill vector.
    fn keep(&mut self, memo: Memo) {
        if self.first.same_key(&memo) {
            self.first = memo;
        } else if let Some(slot) = self.more.iter_mut().find(|m| m.same_key(&memo)) {
            *slot = memo;
        } else if self.first.kind == Kind::Empty {
            self.first = memo;
        } else {
            self.more.push(memo);
        }
    }

    /// Look up a cached, unexpired DNS answer for `host` with its version.
    pub fn answer(&self, host: Host, now: SimTime) -> Option<(Answer, u16)> {
        self.memos()
            .filter(|m| now < m.expires)
            .find_map(|m| m.answer_for(host))
    }

    /// Cache a DNS answer until `expires`, replacing any older one.
    pub fn remember_answer(&mut self, host: Host, answer: Answer, version: u16, expires: SimTime) {
        self.keep(Memo::dns(host, answer, version, expires));
    }

    /// Look up the region learned for `bucket`, if still remembered.
    pub fn region(&self, bucket: BucketId, now: SimTime) -> Option<RegionId> {
        self.memos()
            .find(|m| m.kind == Kind::Region && m.word == bucket && now < m.expires)
            .map(|m| m.short)
    }

    /// Remember `bucket`'s region until `expires`.
    pub fn learn_region(&mut self, bucket: BucketId, region: RegionId, expires: SimTime) {
        self.keep(Memo {
            expires,
            host: Host::PathGlobal,
            word: bucket,
            short: region,
            kind: Kind::Region,
        });
    }

    /// Look up the endpoint a redirect gave for `bucket`, if the client sticks to one.
    pub fn sticky(&self, bucket: BucketId) -> Option<Host> {
        self.memos()
            .find(|m| m.kind == Kind::Sticky && m.word == bucket)
            .map(|m| m.host)
    }

    /// Keep using `host` for `bucket` from now on.
    pub fn stick(&mut self, bucket: BucketId, host: Host) {
        self.keep(Memo {
            expires: SimTime::NEVER,
            host,
            word: bucket,
            short: 0,
            kind: Kind::Sticky,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_client_takes_at_most_40_bytes_and_a_memo_24() {
        assert_eq!(std::mem::size_of::<Memo>(), 24);
        assert!(std::mem::size_of::<ClientMemory>() <= 40);
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

    #[test]
    fn a_second_memory_spills_and_dropping_the_expired_ones_frees_the_spill() {
        let mut m = ClientMemory::default();
        let at = SimTime::from_secs;
        m.remember_answer(Host::PathGlobal, Answer::Ip(1), 0, at(10));
        assert_eq!(m.more.capacity(), 0, "the first memory is inline");
        m.learn_region(2, 1, at(20));
        m.stick(3, Host::BucketRegional(3, 1));
        m.remember_answer(Host::PathGlobal, Answer::NxDomain, 1, at(15));
        assert_eq!(m.len(), 3, "the new answer replaced the old one");
        assert_eq!(
            m.answer(Host::PathGlobal, at(14)),
            Some((Answer::NxDomain, 1))
        );
        m.drop_expired(at(15));
        assert_eq!((m.len(), m.region(2, at(19))), (2, Some(1)));
        m.drop_expired(at(20));
        assert_eq!(m.len(), 1);
        assert_eq!(m.more.capacity(), 0, "the sticky endpoint moved inline");
        assert_eq!(m.sticky(3), Some(Host::BucketRegional(3, 1)));
        assert_eq!(m.region(2, at(0)), None, "dropped, not just expired");
    }
}
