//! How long an edge keeps an origin response: the TTL rules of docs/domain.md §4.

use s3sim_engine::SimDuration;

/// Choose which of AWS's two documented rules for caching 307 and 308 applies.
///
/// Older CloudFront docs cache every 3xx per the TTL settings, so a bare 307 stays for
/// DefaultTTL (24 h): the classic "bucket just created outside us-east-1" outage.
/// Current docs cache 307/308 only when the origin sends `Cache-Control`. Sources
/// disagree, so scenarios choose and can run both.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::cdn::policy::{CachePolicy, RedirectCaching};
/// let legacy = CachePolicy::default();
/// let current = CachePolicy { redirects: RedirectCaching::Current, ..legacy };
/// assert_eq!(legacy.ttl(307, None), Some(SimDuration::from_secs(86_400)));
/// assert_eq!(current.ttl(307, None), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RedirectCaching {
    /// Every 3xx is cached per the TTL settings, 307 and 308 included.
    #[default]
    Legacy,
    /// 307 and 308 are cached only when the origin sends `max-age` or `s-maxage`.
    Current,
}

/// Carry the parts of an origin's `Cache-Control` header that decide edge caching.
///
/// Only three things matter to the edge, so the header is reduced to them rather than
/// parsed text: the two lifetimes and whether the origin forbade shared caching.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::cdn::policy::CacheControl;
/// let cc = CacheControl { max_age: Some(SimDuration::from_secs(60)), ..CacheControl::default() };
/// assert_eq!(cc.lifetime(), Some(SimDuration::from_secs(60)));
/// assert!(!cc.no_store);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheControl {
    /// `max-age`, if sent.
    pub max_age: Option<SimDuration>,
    /// `s-maxage`, if sent; for a shared cache it wins over `max-age`.
    pub s_maxage: Option<SimDuration>,
    /// Any of `no-cache`, `no-store` or `private`.
    pub no_store: bool,
}

impl CacheControl {
    /// Return the lifetime the origin asked a shared cache for: `s-maxage`, else `max-age`.
    pub fn lifetime(&self) -> Option<SimDuration> {
        self.s_maxage.or(self.max_age)
    }
}

/// Configure an edge's TTL settings: a CloudFront cache behaviour plus error caching.
///
/// Defaults are AWS's: MinTTL 0, DefaultTTL 24 h, MaxTTL 365 days, error-caching
/// minimum TTL 10 s, and the legacy redirect rule that produces the 24 h outage.
/// The settings are taken as given (AWS requires MinTTL ≤ DefaultTTL ≤ MaxTTL).
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::cdn::policy::{CacheControl, CachePolicy};
/// let policy = CachePolicy::default();
/// let s = SimDuration::from_secs;
/// assert_eq!(policy.ttl(200, None), Some(s(86_400)));
/// let short = CacheControl { max_age: Some(s(30)), ..CacheControl::default() };
/// assert_eq!(policy.ttl(200, Some(short)), Some(s(30)));
/// assert_eq!(policy.ttl(404, None), Some(s(10)));
/// assert_eq!(policy.ttl(403, None), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    /// Shortest time a cacheable response is kept; above zero it overrides `no-store`.
    pub min_ttl: SimDuration,
    /// Time a response without `max-age`/`s-maxage` is kept.
    pub default_ttl: SimDuration,
    /// Longest time any response is kept, whatever the origin asks for.
    pub max_ttl: SimDuration,
    /// Shortest time a cached error is kept.
    pub error_min_ttl: SimDuration,
    /// Which rule decides whether 307 and 308 are cached.
    pub redirects: RedirectCaching,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            min_ttl: SimDuration::ZERO,
            default_ttl: SimDuration::from_secs(86_400),
            max_ttl: SimDuration::from_secs(31_536_000),
            error_min_ttl: SimDuration::from_secs(10),
            redirects: RedirectCaching::Legacy,
        }
    }
}

impl CachePolicy {
    /// Decide how long to keep an origin response with this code and header; `None`: don't cache.
    ///
    /// One function holds every rule so that the world asks a single question per
    /// origin answer. `cc` is `None` when the origin sent no `Cache-Control` at all.
    pub fn ttl(&self, code: u16, cc: Option<CacheControl>) -> Option<SimDuration> {
        let cc = cc.unwrap_or_default();
        match code {
            307 | 308 if self.redirects == RedirectCaching::Current => {
                cc.lifetime().and_then(|_| self.content_ttl(cc))
            }
            200..=399 => self.content_ttl(cc),
            404 | 414 | 501 if cc.no_store => None,
            404 | 414 | 500..=504 => Some(self.error_ttl(cc.lifetime())),
            400 | 403 | 405 | 412 | 415 => cc.lifetime().map(|age| self.error_ttl(Some(age))),
            _ => None,
        }
    }

    /// Keep a 2xx or 3xx per MinTTL, DefaultTTL, MaxTTL and the origin's header.
    fn content_ttl(&self, cc: CacheControl) -> Option<SimDuration> {
        if cc.no_store {
            return (self.min_ttl > SimDuration::ZERO).then_some(self.min_ttl);
        }
        Some(match cc.lifetime() {
            Some(age) => self.clamp(age),
            None => self.default_ttl.max(self.min_ttl),
        })
    }

    /// Keep an error for the larger of the error minimum and the origin's (capped) lifetime.
    fn error_ttl(&self, lifetime: Option<SimDuration>) -> SimDuration {
        let asked = lifetime.map_or(SimDuration::ZERO, |age| age.min(self.max_ttl));
        self.error_min_ttl.max(asked)
    }

    fn clamp(&self, age: SimDuration) -> SimDuration {
        age.max(self.min_ttl).min(self.max_ttl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> SimDuration {
        SimDuration::from_secs(secs)
    }

    fn max_age(secs: u64) -> Option<CacheControl> {
        Some(CacheControl {
            max_age: Some(s(secs)),
            ..CacheControl::default()
        })
    }

    fn no_store() -> Option<CacheControl> {
        Some(CacheControl {
            no_store: true,
            ..CacheControl::default()
        })
    }

    fn current() -> CachePolicy {
        CachePolicy {
            redirects: RedirectCaching::Current,
            ..CachePolicy::default()
        }
    }

    #[test]
    fn response_without_cache_control_is_cached_for_default_ttl() {
        assert_eq!(CachePolicy::default().ttl(200, None), Some(s(86_400)));
        let header_without_lifetime = Some(CacheControl::default());
        assert_eq!(
            CachePolicy::default().ttl(200, header_without_lifetime),
            Some(s(86_400))
        );
    }

    #[test]
    fn default_ttl_below_min_ttl_gives_min_ttl() {
        let policy = CachePolicy {
            min_ttl: s(600),
            default_ttl: s(60),
            ..CachePolicy::default()
        };
        assert_eq!(policy.ttl(200, None), Some(s(600)));
    }

    #[test]
    fn max_age_is_clamped_to_min_and_max_ttl() {
        let policy = CachePolicy {
            min_ttl: s(60),
            max_ttl: s(3600),
            ..CachePolicy::default()
        };
        assert_eq!(policy.ttl(200, max_age(5)), Some(s(60)));
        assert_eq!(policy.ttl(200, max_age(300)), Some(s(300)));
        assert_eq!(policy.ttl(200, max_age(99_999)), Some(s(3600)));
    }

    #[test]
    fn s_maxage_wins_over_max_age() {
        let cc = CacheControl {
            max_age: Some(s(10)),
            s_maxage: Some(s(500)),
            no_store: false,
        };
        assert_eq!(CachePolicy::default().ttl(200, Some(cc)), Some(s(500)));
    }

    #[test]
    fn no_store_is_not_cached_when_min_ttl_is_zero() {
        assert_eq!(CachePolicy::default().ttl(200, no_store()), None);
    }

    #[test]
    fn no_store_is_ignored_when_min_ttl_is_positive() {
        let policy = CachePolicy {
            min_ttl: s(30),
            ..CachePolicy::default()
        };
        assert_eq!(policy.ttl(200, no_store()), Some(s(30)));
    }

    #[test]
    fn bare_307_is_cached_for_default_ttl_under_legacy() {
        assert_eq!(CachePolicy::default().ttl(307, None), Some(s(86_400)));
        assert_eq!(CachePolicy::default().ttl(308, None), Some(s(86_400)));
    }

    #[test]
    fn bare_307_is_not_cached_under_current() {
        assert_eq!(current().ttl(307, None), None);
        assert_eq!(current().ttl(308, Some(CacheControl::default())), None);
    }

    #[test]
    fn redirect_with_max_age_is_cached_under_current() {
        assert_eq!(current().ttl(307, max_age(120)), Some(s(120)));
    }

    #[test]
    fn other_redirects_are_cached_per_settings_under_current() {
        for code in [301, 302] {
            assert_eq!(current().ttl(code, None), Some(s(86_400)), "{code}");
        }
    }

    #[test]
    fn not_found_is_cached_for_error_minimum() {
        for code in [404, 414, 500, 501, 502, 503, 504] {
            assert_eq!(
                CachePolicy::default().ttl(code, None),
                Some(s(10)),
                "{code}"
            );
        }
    }

    #[test]
    fn error_max_age_above_error_minimum_wins() {
        assert_eq!(CachePolicy::default().ttl(503, max_age(60)), Some(s(60)));
        assert_eq!(CachePolicy::default().ttl(503, max_age(2)), Some(s(10)));
    }

    #[test]
    fn error_max_age_is_capped_by_max_ttl() {
        let policy = CachePolicy {
            max_ttl: s(100),
            ..CachePolicy::default()
        };
        assert_eq!(policy.ttl(404, max_age(1000)), Some(s(100)));
    }

    #[test]
    fn no_store_stops_caching_of_404_414_and_501_only() {
        for code in [404, 414, 501] {
            assert_eq!(CachePolicy::default().ttl(code, no_store()), None, "{code}");
        }
        for code in [500, 502, 503, 504] {
            let ttl = CachePolicy::default().ttl(code, no_store());
            assert_eq!(ttl, Some(s(10)), "{code}");
        }
    }

    #[test]
    fn forbidden_is_not_cached_without_max_age() {
        for code in [400, 403, 405, 412, 415] {
            assert_eq!(CachePolicy::default().ttl(code, None), None, "{code}");
        }
    }

    #[test]
    fn forbidden_with_max_age_is_cached_for_at_least_error_minimum() {
        assert_eq!(CachePolicy::default().ttl(403, max_age(3)), Some(s(10)));
        assert_eq!(CachePolicy::default().ttl(403, max_age(90)), Some(s(90)));
    }

    #[test]
    fn uncacheable_codes_are_never_cached() {
        for code in [100, 410, 416, 429, 505] {
            assert_eq!(
                CachePolicy::default().ttl(code, max_age(60)),
                None,
                "{code}"
            );
        }
    }
}
