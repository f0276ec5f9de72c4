//! Clients: what a population of clients does, and what each client process remembers.
//!
//! One module per concern: [`ClientClass`] and its workload (addressing, arrivals,
//! bucket and key choice, process lifetime); the in-process DNS cache
//! ([`DnsCachePolicy`]); the reaction to redirects ([`RedirectPolicy`], whose
//! [`next_hop`](RedirectPolicy::next_hop) decides each hop); retries ([`RetryPolicy`]
//! and its [`RetryQuota`]); and the per-client [`ClientMemory`] these policies read and
//! write. Each policy keeps its logic next to its type, so the world only asks.

mod addressing;
mod class;
mod dns_cache;
mod memory;
mod redirect;
mod retry;

pub use addressing::{
    Addressing, CONNECTION_ATTEMPT_DELAY, Dial, IpFamily, IpPreference, IpStack, Ipv6Route,
};
pub use class::{Arrivals, ClientClass, KeyChoice, Lifetime, MethodMix, Popularity};
pub use dns_cache::DnsCachePolicy;
pub use memory::ClientMemory;
pub use redirect::{RedirectPolicy, RedirectState, RegionCache};
pub use retry::{RetryPolicy, RetryQuota};
