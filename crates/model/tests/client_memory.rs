//! What a client process's memory reports about itself through its public API: it is
//! empty until it remembers something, and `len` counts what it holds, expired memories
//! included until they are dropped.

use s3sim_engine::SimTime;
use s3sim_model::client::ClientMemory;
use s3sim_model::dns::{Answer, Host};

/// A new process remembers nothing; one DNS answer makes it non-empty, and it is empty
/// again once that answer has expired and been dropped (or the process restarted).
#[test]
fn a_memory_is_empty_exactly_when_it_holds_nothing() {
    let mut m = ClientMemory::default();
    assert_eq!((m.is_empty(), m.len()), (true, 0));
    m.remember_answer(Host::PathGlobal, Answer::Ip(1), 0, SimTime::from_secs(10));
    assert_eq!((m.is_empty(), m.len()), (false, 1));
    m.drop_expired(SimTime::from_secs(9));
    assert_eq!((m.is_empty(), m.len()), (false, 1), "not expired yet");
    m.drop_expired(SimTime::from_secs(10));
    assert_eq!((m.is_empty(), m.len()), (true, 0));
    m.stick(3, Host::BucketGlobal(3));
    m.learn_region(3, 1, SimTime::NEVER);
    assert_eq!((m.is_empty(), m.len()), (false, 2));
    m.forget_all();
    assert_eq!((m.is_empty(), m.len()), (true, 0));
}
