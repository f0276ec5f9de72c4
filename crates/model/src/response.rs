//! What one hop of a request asks ([`Hop`]) and what comes back: its [`Status`] and the
//! [`Response`] headers the client policies read.
//!
//! Every part of the model speaks in these terms (facilities answer with them, edges
//! cache them, clients react to them, metrics count them), so they sit in a module of
//! their own that depends only on the names they carry.

use crate::bucket::{BucketId, KeyId};
use crate::dense::dense_enum;
use crate::dns::Host;
use crate::topology::RegionId;

dense_enum! {
    /// Classify what a client got back for one HTTP round trip (or why there was none).
    ///
    /// Failures without an HTTP answer (a refused connection, NXDOMAIN) are statuses too,
    /// so that every hop of a request, and every request's first answer, is one value that
    /// can be counted and traced alike. The declaration order is the reporting order
    /// ([`Status::ALL`]).
    ///
    /// ```
    /// use s3sim_model::response::Status;
    /// assert_eq!(Status::TemporaryRedirect.code(), Some(307));
    /// assert!(Status::Found.is_redirect() && !Status::BadRequest.is_redirect());
    /// assert_eq!(Status::NxDomain.code(), None);
    /// assert_eq!(Status::ConnectionError.label(), "conn_error");
    /// for status in Status::ALL.into_iter().filter(|s| s.code().is_some()) {
    ///     assert_eq!(Status::from_code(status.code().unwrap()), Some(status));
    /// }
    /// assert_eq!(Status::from_code(418), None);
    /// assert!(Status::SlowDown.is_retryable() && Status::Timeout.is_retryable());
    /// assert!(!Status::TemporaryRedirect.is_retryable() && !Status::NotFound.is_retryable());
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Status {
        /// 200 OK.
        Ok,
        /// 301 PermanentRedirect, never with a `Location`.
        MovedPermanently,
        /// 302 Found (the code some AWS docs name for the temporary redirect).
        Found,
        /// 307 TemporaryRedirect, with `Location`.
        TemporaryRedirect,
        /// 400 Bad Request (opt-in regions instead of a redirect).
        BadRequest,
        /// 403 AccessDenied (direct S3 access when only the CDN may read the bucket).
        Forbidden,
        /// 404 NoSuchBucket.
        NotFound,
        /// 500 InternalError.
        InternalError,
        /// 503 SlowDown: the facility's queue is full, or the prefix's request-rate budget is empty
        /// (docs/domain.md §7: 3,500 writes / 5,500 reads per second per partitioned prefix).
        SlowDown,
        /// The connection was refused (facility down or draining, IP retired).
        ConnectionError,
        /// No answer to the connection attempt within the client's connect timeout.
        Timeout,
        /// 502 Bad Gateway: a CDN edge could not reach its origin.
        BadGateway,
        /// The name did not resolve.
        NxDomain,
        /// The resolver could not answer (SERVFAIL: its upstream is down, nothing cached).
        DnsFailure,
    }
}

impl Status {
    /// The HTTP code (if an HTTP answer arrived) and the output label of each status: the
    /// one table that [`Status::code`], [`Status::label`] and [`Status::from_code`] read.
    const fn row(self) -> (Option<u16>, &'static str) {
        match self {
            Status::Ok => (Some(200), "200"),
            Status::MovedPermanently => (Some(301), "301"),
            Status::Found => (Some(302), "302"),
            Status::TemporaryRedirect => (Some(307), "307"),
            Status::BadRequest => (Some(400), "400"),
            Status::Forbidden => (Some(403), "403"),
            Status::NotFound => (Some(404), "404"),
            Status::InternalError => (Some(500), "500"),
            Status::SlowDown => (Some(503), "503"),
            Status::ConnectionError => (None, "conn_error"),
            Status::Timeout => (None, "timeout"),
            Status::BadGateway => (Some(502), "502"),
            Status::NxDomain => (None, "nxdomain"),
            Status::DnsFailure => (None, "servfail"),
        }
    }

    /// Return the HTTP code, if an HTTP answer arrived.
    pub fn code(self) -> Option<u16> {
        self.row().0
    }

    /// Tell whether this is a 3xx.
    pub fn is_redirect(self) -> bool {
        matches!(
            self,
            Status::MovedPermanently | Status::Found | Status::TemporaryRedirect
        )
    }

    /// Give the short label used in outputs: `200`, `307`, `conn_error`, `nxdomain`.
    pub fn label(self) -> &'static str {
        self.row().1
    }

    /// Tell whether an SDK retries after this status: throttling, server errors and
    /// failed connections, never a 3xx or 4xx (the request would fail the same way).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Status::InternalError
                | Status::SlowDown
                | Status::BadGateway
                | Status::ConnectionError
                | Status::Timeout
                | Status::DnsFailure
        )
    }

    /// Find the status with this HTTP code, if the model has one.
    pub fn from_code(code: u16) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == Some(code))
    }
}

/// Carry a facility's answer: status, `Location` and `x-amz-bucket-region`.
///
/// Both headers are kept because client policies read different ones: browsers and
/// `curl -L` follow `Location`, while AWS SDKs ignore it and re-address the request
/// from the bucket region.
///
/// ```
/// use s3sim_model::response::{Response, Status};
/// let r = Response::bare(Status::NotFound);
/// assert_eq!(r.status, Status::NotFound);
/// assert_eq!((r.location, r.bucket_region), (None, None));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    /// What came back.
    pub status: Status,
    /// Where to resend the request (only on the temporary redirect).
    pub location: Option<Host>,
    /// The bucket's region, as S3 reports it on redirects and on 400.
    pub bucket_region: Option<RegionId>,
    /// A website redirect's key: the next request is for this key on the same site.
    pub redirect_key: Option<KeyId>,
}

impl Response {
    /// Build a response with neither `Location` nor region.
    pub fn bare(status: Status) -> Self {
        Response {
            status,
            location: None,
            bucket_region: None,
            redirect_key: None,
        }
    }
}

/// Name the hop a response answered: the host the request was sent to, and what it
/// asked for.
///
/// Facilities answer a hop ([`FrontEnd::answer`](crate::facility::FrontEnd::answer)) and
/// redirect policies decide the next one from it
/// ([`RedirectPolicy::next_hop`](crate::client::RedirectPolicy::next_hop), with an example).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The host the request was sent to.
    pub host: Host,
    /// The bucket asked for.
    pub bucket: BucketId,
    /// The key asked for.
    pub key: KeyId,
}
