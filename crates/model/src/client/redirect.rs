//! What a client does with a redirect: follow `Location`, learn the bucket's region,
//! stick to an endpoint, or give up; and what it remembers for its next request.

use super::addressing::Addressing;
use super::memory::ClientMemory;
use crate::bucket::BucketId;
use crate::dns::Host;
use crate::objects::UNREACHED;
use crate::response::{Hop, Method, Response, Status};
use crate::topology::RegionId;
use s3sim_engine::{SimDuration, SimTime};

/// Choose how long an SDK remembers a bucket's region.
///
/// Used by [`RedirectPolicy::SdkRegion`]: a remembered region sends later requests
/// straight to the regional name, skipping the redirect.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default() }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     rate_limits: Default::default(),
/// #     trace_limit: 10_000,
/// #     learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let statuses = |class: ClientClass| {
///     let mut c = config.clone();
///     c.classes[0] = class;
///     let out = run_replica(&c, RandomStreams::new(1));
///     out.traces.into_iter().map(|t| t.statuses).collect::<Vec<_>>()
/// };
/// let (t307, ok) = (Status::TemporaryRedirect, Status::Ok);
/// let sdk = |cache| ClientClass { redirects: RedirectPolicy::SdkRegion { cache }, ..config.classes[0].clone() };
/// // Requests at t = 120, 180 and 240 s, all before the global name propagates.
/// assert_eq!(statuses(sdk(RegionCache::None))[..3], [vec![t307, ok], vec![t307, ok], vec![t307, ok]]);
/// assert_eq!(statuses(sdk(RegionCache::Forever))[..3], [vec![t307, ok], vec![ok], vec![ok]]);
/// assert_eq!(statuses(sdk(RegionCache::Ttl(s(90))))[..3], [vec![t307, ok], vec![ok], vec![t307, ok]]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionCache {
    /// Learn for this request only (AWS SDK for JavaScript v3).
    None,
    /// Remember for the process's life (boto3, Java v2).
    Forever,
    /// Remember for a while.
    Ttl(SimDuration),
}

impl RegionCache {
    /// Decide until when a region learned at `now` is remembered; `None`: not at all.
    ///
    /// ```
    /// use s3sim_engine::{SimDuration, SimTime};
    /// use s3sim_model::client::RegionCache;
    /// let now = SimTime::from_secs(100);
    /// assert_eq!(RegionCache::None.expiry(now), None);
    /// assert_eq!(RegionCache::Forever.expiry(now), Some(SimTime::NEVER));
    /// let ninety = RegionCache::Ttl(SimDuration::from_secs(90));
    /// assert_eq!(ninety.expiry(now), Some(SimTime::from_secs(190)));
    /// ```
    pub fn expiry(self, now: SimTime) -> Option<SimTime> {
        match self {
            RegionCache::None => None,
            RegionCache::Forever => Some(SimTime::NEVER),
            RegionCache::Ttl(ttl) => Some(now + ttl),
        }
    }
}

/// Choose what a client does with a 3xx (and with a 400 that names a region).
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default() }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     rate_limits: Default::default(),
/// #     trace_limit: 10_000,
/// #     learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let statuses = |class: ClientClass| {
///     let mut c = config.clone();
///     c.classes[0] = class;
///     let out = run_replica(&c, RandomStreams::new(1));
///     out.traces.into_iter().map(|t| t.statuses).collect::<Vec<_>>()
/// };
/// let (t307, ok) = (Status::TemporaryRedirect, Status::Ok);
/// let with = |redirects| ClientClass { redirects, ..config.classes[0].clone() };
/// let first = |redirects| statuses(with(redirects)).remove(0);
/// assert_eq!(first(RedirectPolicy::None), [t307]);
/// let curl = RedirectPolicy::FollowLocation { codes: vec![t307], max_hops: 1 };
/// assert_eq!(first(curl), [t307, ok]);
/// assert_eq!(first(RedirectPolicy::SdkRegion { cache: RegionCache::None }), [t307, ok]);
/// // A sticky client keeps the regional endpoint it was sent to.
/// let sticky = statuses(with(RedirectPolicy::Sticky { max_hops: 1 }));
/// assert_eq!(sticky[..2], [vec![t307, ok], vec![ok]]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Give up on any redirect (curl without `-L`).
    None,
    /// Follow `Location` for these codes, at most `max_hops` redirects per request.
    FollowLocation {
        /// The statuses whose `Location` is followed (curl `-L`: every 3xx).
        codes: Vec<Status>,
        /// Redirects followed per request at most; one more is a redirect loop.
        max_hops: u8,
    },
    /// Learn the region from `x-amz-bucket-region`, re-resolve the regional name,
    /// never use `Location`, one redirect per request (boto3, SDK for Java v2).
    SdkRegion {
        /// How long the learned region is remembered for later requests.
        cache: RegionCache,
    },
    /// Follow `Location` like a browser and keep using that endpoint for the bucket
    /// afterwards (what AWS warns against).
    Sticky {
        /// Redirects followed per request at most; one more is a redirect loop.
        max_hops: u8,
    },
}

/// The redirects a sticky client follows, like a browser: 301, 302 and 307.
const BROWSER_REDIRECTS: [Status; 3] = [
    Status::MovedPermanently,
    Status::Found,
    Status::TemporaryRedirect,
];

/// Track what one request has done with redirects, for its client's [`RedirectPolicy`].
///
/// A request starts with the default (nothing followed); the policy updates it at every
/// response, and the world reads `looped` when the request ends.
///
/// ```
/// use s3sim_model::client::RedirectState;
/// let fresh = RedirectState::default();
/// assert_eq!((fresh.followed, fresh.region_redirect_used, fresh.looped), (0, false, false));
/// assert_eq!(fresh.probing, None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RedirectState {
    /// Redirects followed so far.
    pub followed: u8,
    /// The SDK already re-addressed this request from `x-amz-bucket-region` (it does so
    /// once per request).
    pub region_redirect_used: bool,
    /// The policy would have followed the last response but for `max_hops`, or the
    /// website chain went deeper than the tables hold: a redirect loop.
    pub looped: bool,
    /// An SDK's HeadBucket probe is out (a HEAD error told it no region): the method
    /// of the request it resends once the probe names the region.
    pub probing: Option<Method>,
}

impl RedirectPolicy {
    /// Choose the host a new request starts at: the endpoint a sticky client stuck to,
    /// the region an SDK still remembers, else the addressing style's host for `home`,
    /// the region the client addresses (its configured region, or the bucket's).
    ///
    /// ```
    /// use s3sim_engine::SimTime;
    /// use s3sim_model::client::{Addressing, ClientMemory, RedirectPolicy, RegionCache};
    /// use s3sim_model::dns::Host;
    /// let mut memory = ClientMemory::default();
    /// memory.learn_region(7, 1, SimTime::NEVER);
    /// let sdk = RedirectPolicy::SdkRegion { cache: RegionCache::Forever };
    /// let first = |policy: &RedirectPolicy| {
    ///     policy.first_host(&memory, Addressing::VirtualGlobal, 7, 0, SimTime::ZERO)
    /// };
    /// assert_eq!(first(&sdk), Host::BucketRegional(7, 1));
    /// assert_eq!(first(&RedirectPolicy::None), Host::BucketGlobal(7));
    /// ```
    pub fn first_host(
        &self,
        memory: &ClientMemory,
        addressing: Addressing,
        bucket: BucketId,
        home: RegionId,
        now: SimTime,
    ) -> Host {
        match self {
            RedirectPolicy::Sticky { .. } => memory.sticky(bucket),
            RedirectPolicy::SdkRegion { .. } => memory
                .region(bucket, now)
                .map(|r| addressing.regional_host(bucket, r)),
            RedirectPolicy::None | RedirectPolicy::FollowLocation { .. } => None,
        }
        .unwrap_or_else(|| addressing.host(bucket, home))
    }

    /// Choose the region a signing client's new request is signed for: the region an
    /// SDK still remembers for `bucket`, else `home` (its configured region, or the
    /// bucket's).
    ///
    /// ```
    /// use s3sim_engine::SimTime;
    /// use s3sim_model::client::{ClientMemory, RedirectPolicy, RegionCache};
    /// let mut memory = ClientMemory::default();
    /// memory.learn_region(7, 1, SimTime::NEVER);
    /// let sdk = RedirectPolicy::SdkRegion { cache: RegionCache::Forever };
    /// assert_eq!(sdk.signing_region(&memory, 7, 0, SimTime::ZERO), 1);
    /// assert_eq!(RedirectPolicy::None.signing_region(&memory, 7, 0, SimTime::ZERO), 0);
    /// ```
    pub fn signing_region(
        &self,
        memory: &ClientMemory,
        bucket: BucketId,
        home: RegionId,
        now: SimTime,
    ) -> RegionId {
        match self {
            RedirectPolicy::SdkRegion { .. } => memory.region(bucket, now).unwrap_or(home),
            _ => home,
        }
    }

    /// Decide where the client sends a request next after `response` to `hop`: the
    /// next hop (host, key, method, signature), or `None` when the request ends there.
    ///
    /// A website redirect (`redirect_key`) names another key, on the host its `location`
    /// names when it has one (a CDN edge fills it in, docs/domain.md §4), else on the
    /// same host; any other redirect names a host (`location`) for the same key. A redirect that the
    /// policy would follow but for `max_hops`, or whose key lies past the deepest chain
    /// the tables hold ([`UNREACHED`]), ends the request with `state.looped` set. What
    /// the client learns (a sticky endpoint, a bucket's region) goes to `memory`.
    ///
    /// An SDK (botocore, docs/domain.md §2) reads the region from `x-amz-bucket-region`,
    /// else the error document; a HEAD error has neither when S3 sends no header, so it
    /// probes with HeadBucket (whose answers carry the header, and which it re-addresses
    /// itself once), then resends the original request to the learned region.
    ///
    /// ```
    /// use s3sim_engine::SimTime;
    /// use s3sim_model::client::*;
    /// use s3sim_model::dns::Host;
    /// use s3sim_model::response::{Hop, Method, Response, Status};
    /// let hop = Hop { host: Host::BucketGlobal(0), bucket: 0, key: 5,
    ///     method: Method::Get, signed_for: None };
    /// let moved = Response {
    ///     location: Some(Host::RedirectEndpoint(0, 1)),
    ///     bucket_region: Some(1),
    ///     ..Response::bare(Status::TemporaryRedirect)
    /// };
    /// let (mut memory, now) = (ClientMemory::default(), SimTime::ZERO);
    /// let mut next = |policy: RedirectPolicy, state: &mut RedirectState| {
    ///     policy.next_hop(hop, &moved, state, &mut memory, Addressing::VirtualGlobal, now)
    /// };
    /// let codes = vec![Status::TemporaryRedirect];
    /// let curl = RedirectPolicy::FollowLocation { codes, max_hops: 1 };
    /// let mut state = RedirectState::default();
    /// let to = |host| Some(Hop { host, ..hop });
    /// assert_eq!(next(curl.clone(), &mut state), to(Host::RedirectEndpoint(0, 1)));
    /// assert_eq!(next(curl, &mut state), None, "a second redirect is one too many");
    /// assert!(state.looped);
    /// let sdk = RedirectPolicy::SdkRegion { cache: RegionCache::None };
    /// assert_eq!(next(sdk, &mut RedirectState::default()), to(Host::BucketRegional(0, 1)));
    /// ```
    pub fn next_hop(
        &self,
        hop: Hop,
        response: &Response,
        state: &mut RedirectState,
        memory: &mut ClientMemory,
        addressing: Addressing,
        now: SimTime,
    ) -> Option<Hop> {
        let target = match response.redirect_key {
            Some(key) => Some((response.location.unwrap_or(hop.host), key)),
            None => response.location.map(|host| (host, hop.key)),
        };
        let followed = state.followed;
        let mut follow = |codes: &[Status], max_hops: u8| {
            let wanted = target.filter(|_| codes.contains(&response.status));
            state.looped = wanted.is_some_and(|(_, key)| followed >= max_hops || key == UNREACHED);
            wanted.filter(|_| !state.looped)
        };
        let next = match self {
            RedirectPolicy::SdkRegion { cache } => {
                return sdk_next_hop(*cache, hop, response, state, memory, addressing, now);
            }
            _ if response.status == Status::Ok => None,
            RedirectPolicy::None => None,
            RedirectPolicy::FollowLocation { codes, max_hops } => follow(codes, *max_hops),
            RedirectPolicy::Sticky { max_hops } => {
                let next = follow(&BROWSER_REDIRECTS, *max_hops);
                if let Some((host, _)) = next {
                    memory.stick(hop.bucket, host);
                }
                next
            }
        };
        let next = next.map(|(host, key)| Hop { host, key, ..hop });
        if next.is_some() {
            state.followed = state.followed.saturating_add(1);
        }
        next
    }
}

/// An SDK's next hop ([`RedirectPolicy::SdkRegion`]): re-address once from a region it
/// can read, probe with HeadBucket when a HEAD error names none, resend the original
/// request once the probe's 200 names the region.
fn sdk_next_hop(
    cache: RegionCache,
    hop: Hop,
    response: &Response,
    state: &mut RedirectState,
    memory: &mut ClientMemory,
    addressing: Addressing,
    now: SimTime,
) -> Option<Hop> {
    let status = response.status;
    let wrong_place = status.is_redirect() || status == Status::BadRequest;
    let mut readdress = |region: RegionId, method: Method| {
        if let Some(expires) = cache.expiry(now) {
            memory.learn_region(hop.bucket, region, expires);
        }
        Hop {
            host: addressing.regional_host(hop.bucket, region),
            method,
            signed_for: hop.signed_for.map(|_| region),
            ..hop
        }
    };
    let next = if status == Status::Ok {
        let original = state.probing.take();
        original
            .zip(response.bucket_region)
            .map(|(method, region)| readdress(region, method))
    } else if !wrong_place {
        None
    } else if let Some(region) = response
        .learnable_region()
        .filter(|_| !state.region_redirect_used)
    {
        state.region_redirect_used = true;
        Some(readdress(region, hop.method))
    } else if hop.method == Method::Head && state.probing.is_none() {
        state.probing = Some(hop.method);
        Some(Hop {
            method: Method::HeadBucket,
            ..hop
        })
    } else {
        None
    };
    if next.is_some() {
        state.followed = state.followed.saturating_add(1);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::KeyId;

    const HOP: Hop = Hop {
        host: Host::BucketGlobal(2),
        bucket: 2,
        key: 9,
        method: Method::Get,
        signed_for: None,
    };

    fn to(host: Host, key: KeyId) -> Option<Hop> {
        Some(Hop { host, key, ..HOP })
    }

    fn moved(status: Status) -> Response {
        Response {
            location: Some(Host::RedirectEndpoint(2, 1)),
            bucket_region: Some(1),
            ..Response::bare(status)
        }
    }

    fn decide(
        policy: &RedirectPolicy,
        response: Response,
        state: &mut RedirectState,
        memory: &mut ClientMemory,
    ) -> Option<Hop> {
        let now = SimTime::from_secs(100);
        policy.next_hop(
            HOP,
            &response,
            state,
            memory,
            Addressing::VirtualGlobal,
            now,
        )
    }

    #[test]
    fn ok_ends_the_request_under_every_policy() {
        let policies = [
            RedirectPolicy::None,
            RedirectPolicy::FollowLocation {
                codes: BROWSER_REDIRECTS.to_vec(),
                max_hops: 5,
            },
            RedirectPolicy::SdkRegion {
                cache: RegionCache::Forever,
            },
            RedirectPolicy::Sticky { max_hops: 5 },
        ];
        for policy in &policies {
            let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
            let ok = Response::bare(Status::Ok);
            assert_eq!(decide(policy, ok, &mut state, &mut memory), None);
            assert_eq!(state, RedirectState::default(), "{policy:?}");
        }
    }

    #[test]
    fn follow_location_follows_only_its_codes_and_counts_one_more_as_a_loop() {
        let curl = RedirectPolicy::FollowLocation {
            codes: vec![Status::TemporaryRedirect],
            max_hops: 2,
        };
        let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
        let to_regional = to(Host::RedirectEndpoint(2, 1), 9);
        let mut next = |status| decide(&curl, moved(status), &mut state, &mut memory);
        assert_eq!(next(Status::MovedPermanently), None, "301 is not listed");
        assert_eq!(next(Status::TemporaryRedirect), to_regional);
        assert_eq!(next(Status::TemporaryRedirect), to_regional);
        assert_eq!(next(Status::TemporaryRedirect), None, "a third redirect");
        assert_eq!((state.followed, state.looped), (2, true));
    }

    #[test]
    fn a_website_redirect_keeps_the_host_and_a_key_past_the_tables_is_a_loop() {
        let browser = RedirectPolicy::Sticky { max_hops: 10 };
        let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
        let website = |key| Response {
            redirect_key: Some(key),
            ..Response::bare(Status::Found)
        };
        let next = decide(&browser, website(4), &mut state, &mut memory);
        assert_eq!(next, to(Host::BucketGlobal(2), 4));
        let past = decide(&browser, website(UNREACHED), &mut state, &mut memory);
        assert_eq!(past, None);
        assert!(state.looped);
    }

    #[test]
    fn sticky_client_starts_its_next_request_where_it_was_sent() {
        let sticky = RedirectPolicy::Sticky { max_hops: 1 };
        let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
        let first = |memory: &ClientMemory| {
            sticky.first_host(memory, Addressing::VirtualGlobal, 2, 0, SimTime::ZERO)
        };
        assert_eq!(first(&memory), Host::BucketGlobal(2));
        decide(&sticky, moved(Status::Found), &mut state, &mut memory);
        assert_eq!(first(&memory), Host::RedirectEndpoint(2, 1));
    }

    #[test]
    fn sdk_learns_the_region_once_per_request_and_remembers_it_per_its_cache() {
        let sdk = RedirectPolicy::SdkRegion {
            cache: RegionCache::Ttl(SimDuration::from_secs(60)),
        };
        let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
        let bad_request = Response {
            bucket_region: Some(1),
            ..Response::bare(Status::BadRequest)
        };
        let regional = to(Host::BucketRegional(2, 1), 9);
        assert_eq!(decide(&sdk, bad_request, &mut state, &mut memory), regional);
        let again = decide(
            &sdk,
            moved(Status::MovedPermanently),
            &mut state,
            &mut memory,
        );
        assert_eq!(again, None, "one region redirect per request");
        assert!(!state.looped, "an SDK never loops");
        let first = |at| sdk.first_host(&memory, Addressing::VirtualGlobal, 2, 0, at);
        assert_eq!(first(SimTime::from_secs(159)), Host::BucketRegional(2, 1));
        assert_eq!(first(SimTime::from_secs(160)), Host::BucketGlobal(2));
    }
}
