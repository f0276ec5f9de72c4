//! How a client names a bucket: virtual-hosted or path style, global, regional or
//! dual-stack name, or the static-website endpoint; and, for dual-stack names, which IP
//! family its connections use (docs/domain.md §3, "Dual-stack endpoints").

use crate::bucket::BucketId;
use crate::dns::Host;
use crate::topology::RegionId;
use s3sim_engine::SimDuration;

/// Choose how a client names the bucket.
///
/// The style decides which DNS name a request resolves, and only the global
/// virtual-hosted name (`bucket.s3.amazonaws.com`) ever changes: the other three are
/// immune to propagation but meet other errors (301 on the wrong regional endpoint).
///
/// ```
/// use s3sim_model::client::Addressing;
/// use s3sim_model::dns::Host;
/// assert_eq!(Addressing::VirtualGlobal.host(7, 1), Host::BucketGlobal(7));
/// assert_eq!(Addressing::PathRegional.host(7, 1), Host::PathRegional(1));
/// assert_eq!(Addressing::VirtualGlobal.regional_host(7, 1), Host::BucketRegional(7, 1));
/// assert_eq!(Addressing::PathGlobal.regional_host(7, 1), Host::PathRegional(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `bucket.s3.amazonaws.com/key`
    VirtualGlobal,
    /// `bucket.s3.REGION.amazonaws.com/key`
    VirtualRegional,
    /// `s3.amazonaws.com/bucket/key`
    PathGlobal,
    /// `s3.REGION.amazonaws.com/bucket/key`
    PathRegional,
    /// `bucket.s3-website-REGION.amazonaws.com/key`: the static-website endpoint.
    Website,
    /// `bucket.s3.dualstack.REGION.amazonaws.com/key` (`path: false`) or
    /// `s3.dualstack.REGION.amazonaws.com/bucket/key` (`path: true`): the regional name
    /// that answers AAAA as well as A, reached over the family `ip` chooses.
    ///
    /// It resolves like the regional name (same facilities, same records and TTL:
    /// docs/domain.md §3 gives no reason to think otherwise), so its host is
    /// [`Host::BucketRegional`] or [`Host::PathRegional`]; only the connection differs.
    DualStack {
        /// Path style rather than virtual-hosted.
        path: bool,
        /// How the client's host picks an IP family.
        ip: IpStack,
    },
}

impl Addressing {
    /// Name the host for a bucket in `region` (the region the client was configured with).
    pub fn host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal => Host::BucketGlobal(bucket),
            Addressing::VirtualRegional => Host::BucketRegional(bucket, region),
            Addressing::PathGlobal => Host::PathGlobal,
            Addressing::PathRegional => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
            Addressing::DualStack { path: false, .. } => Host::BucketRegional(bucket, region),
            Addressing::DualStack { path: true, .. } => Host::PathRegional(region),
        }
    }

    /// Name the regional host an SDK switches to once it knows the bucket's region.
    pub fn regional_host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal
            | Addressing::VirtualRegional
            | Addressing::DualStack { path: false, .. } => Host::BucketRegional(bucket, region),
            Addressing::PathGlobal
            | Addressing::PathRegional
            | Addressing::DualStack { path: true, .. } => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
        }
    }

    /// Choose the IP family and the delay of a connection to `host` (docs/domain.md §3).
    ///
    /// Only a dual-stack name has AAAA records: its regional hosts (the first host, and
    /// the regional host an SDK switches to) are dialled as the class's [`IpStack`]
    /// says; every other name, and every host of the other styles (a redirect's
    /// `Location` included), has only A records and is dialled over IPv4 at once, as
    /// before dual-stack addressing existed.
    ///
    /// ```
    /// use s3sim_engine::SimDuration;
    /// use s3sim_model::client::{Addressing, Dial, IpFamily, IpPreference, IpStack, Ipv6Route};
    /// use s3sim_model::dns::Host;
    /// let ip = IpStack { preference: IpPreference::HappyEyeballs,
    ///     ipv6: Ipv6Route::BlackHoled, ..IpStack::default() };
    /// let dual = Addressing::DualStack { path: false, ip };
    /// let delayed = Dial::Connect { family: IpFamily::V4, after: SimDuration::from_millis(250) };
    /// assert_eq!(dual.dial(Host::BucketRegional(0, 1)), delayed);
    /// assert_eq!(dual.dial(Host::RedirectEndpoint(0, 1)), Dial::IPV4_AT_ONCE, "A only");
    /// assert_eq!(Addressing::VirtualRegional.dial(Host::BucketRegional(0, 1)), Dial::IPV4_AT_ONCE);
    /// ```
    pub fn dial(self, host: Host) -> Dial {
        match (self, host) {
            (
                Addressing::DualStack { ip, .. },
                Host::BucketRegional(..) | Host::PathRegional(_),
            ) => ip.dial(),
            _ => Dial::IPV4_AT_ONCE,
        }
    }
}

/// Name an IP family.
///
/// ```
/// use s3sim_model::client::IpFamily;
/// assert_ne!(IpFamily::V4, IpFamily::V6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpFamily {
    /// IPv4 (an A record).
    V4,
    /// IPv6 (an AAAA record).
    V6,
}

/// Choose which family a client tries for a name that has A and AAAA records.
///
/// ```
/// use s3sim_model::client::IpPreference;
/// assert_eq!(IpPreference::default(), IpPreference::Ipv4Only);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IpPreference {
    /// IPv4 only (`AF_INET`, or a host without IPv6): the model before dual-stack
    /// addressing, and the default.
    #[default]
    Ipv4Only,
    /// IPv6 only: the AAAA answer and nothing else (a client that takes the first
    /// address `getaddrinfo` sorts first, IPv6 by RFC 6724, without falling back).
    Ipv6Only,
    /// IPv6 first, IPv4 raced after the Connection Attempt Delay (Happy Eyeballs,
    /// RFC 8305 §5; RFC 6555 before it).
    HappyEyeballs,
}

/// Say what an IPv6 connection attempt meets on the client host's network.
///
/// ```
/// use s3sim_model::client::Ipv6Route;
/// assert_eq!(Ipv6Route::default(), Ipv6Route::Works);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ipv6Route {
    /// IPv6 reaches S3 like IPv4 does (same round trip, same facilities).
    #[default]
    Works,
    /// No working route, and nothing says so: the SYN is lost and the attempt waits
    /// for the connect timeout (the public report of a backup tool timing out on
    /// every request).
    BlackHoled,
    /// The host or its router says at once that there is no route (ICMPv6
    /// destination unreachable, or `ENETUNREACH` without an IPv6 default route).
    Unreachable,
}

/// Configure how a client host dials a dual-stack name: its preference, what IPv6
/// meets, and Happy Eyeballs' delay before IPv4.
///
/// The default (IPv4 only) dials exactly as the model did before dual-stack names.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::client::{Dial, IpFamily, IpPreference, IpStack, Ipv6Route};
/// let he = |ipv6| IpStack { preference: IpPreference::HappyEyeballs, ipv6, ..IpStack::default() };
/// let v4 = |ms| Dial::Connect { family: IpFamily::V4, after: SimDuration::from_millis(ms) };
/// assert_eq!(he(Ipv6Route::Works).dial(), Dial::Connect { family: IpFamily::V6, after: SimDuration::ZERO });
/// assert_eq!(he(Ipv6Route::BlackHoled).dial(), v4(250));
/// assert_eq!(he(Ipv6Route::Unreachable).dial(), v4(0));
/// let only = |ipv6| IpStack { preference: IpPreference::Ipv6Only, ipv6, ..IpStack::default() };
/// assert_eq!(only(Ipv6Route::BlackHoled).dial(), Dial::Silent);
/// assert_eq!(only(Ipv6Route::Unreachable).dial(), Dial::Unreachable);
/// assert_eq!(IpStack::default().dial(), Dial::IPV4_AT_ONCE);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpStack {
    /// Which family the client tries.
    pub preference: IpPreference,
    /// What an IPv6 attempt meets.
    pub ipv6: Ipv6Route,
    /// Happy Eyeballs' Connection Attempt Delay: how long the IPv6 attempt runs alone
    /// before IPv4 is tried (RFC 8305 §5: recommended 250 ms, at least 100 ms, at
    /// most 2 s; docs/domain.md §3).
    pub attempt_delay: SimDuration,
}

/// RFC 8305 §5's recommended Connection Attempt Delay.
pub const CONNECTION_ATTEMPT_DELAY: SimDuration = SimDuration::from_millis(250);

impl Default for IpStack {
    fn default() -> Self {
        IpStack {
            preference: IpPreference::Ipv4Only,
            ipv6: Ipv6Route::Works,
            attempt_delay: CONNECTION_ATTEMPT_DELAY,
        }
    }
}

impl IpStack {
    /// Dial a name with A and AAAA records: which family connects and how late, or
    /// how the attempt fails.
    ///
    /// Happy Eyeballs starts IPv4 when the IPv6 attempt fails or `attempt_delay` has
    /// passed, whichever comes first (RFC 8305 §5); a working IPv6 path connects
    /// within the delay (the model's round trips are far shorter than 250 ms).
    pub fn dial(self) -> Dial {
        let at_once = SimDuration::ZERO;
        match (self.preference, self.ipv6) {
            (IpPreference::Ipv4Only, _) => Dial::IPV4_AT_ONCE,
            (_, Ipv6Route::Works) => Dial::Connect {
                family: IpFamily::V6,
                after: at_once,
            },
            (IpPreference::Ipv6Only, Ipv6Route::BlackHoled) => Dial::Silent,
            (IpPreference::Ipv6Only, Ipv6Route::Unreachable) => Dial::Unreachable,
            (IpPreference::HappyEyeballs, Ipv6Route::BlackHoled) => Dial::Connect {
                family: IpFamily::V4,
                after: self.attempt_delay,
            },
            (IpPreference::HappyEyeballs, Ipv6Route::Unreachable) => Dial::Connect {
                family: IpFamily::V4,
                after: at_once,
            },
        }
    }
}

/// Say how a client's connection to a resolved name goes before it reaches the IP.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::client::{Dial, IpFamily};
/// assert_eq!(Dial::IPV4_AT_ONCE, Dial::Connect { family: IpFamily::V4, after: SimDuration::ZERO });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dial {
    /// The attempt of `family` is sent `after` this long and goes on to the IP.
    Connect {
        /// The family of the attempt that reaches the IP.
        family: IpFamily,
        /// Waiting before that attempt is sent (Happy Eyeballs' delay).
        after: SimDuration,
    },
    /// The only attempt (IPv6) is lost: the client waits for its connect timeout.
    Silent,
    /// The only attempt (IPv6) fails at once: no route.
    Unreachable,
}

impl Dial {
    /// IPv4 without delay: how every connection went before dual-stack names.
    pub const IPV4_AT_ONCE: Dial = Dial::Connect {
        family: IpFamily::V4,
        after: SimDuration::ZERO,
    };

    /// Give the family of the attempt that decides the hop.
    pub fn family(self) -> IpFamily {
        match self {
            Dial::Connect { family, .. } => family,
            Dial::Silent | Dial::Unreachable => IpFamily::V6,
        }
    }
}
