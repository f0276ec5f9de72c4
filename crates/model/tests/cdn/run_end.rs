//! What a run that ends mid-request reports: a viewer request waiting on an open origin
//! fetch is one request in flight; the fetch itself is not a client request.

use super::*;

/// Two viewers miss at `iad`, each for its own key: the first at 10 s (done 48 ms
/// later), the second reaches the edge 10 ms before the run ends, so its origin fetch
/// (28 ms) is still open then.
#[test]
fn a_request_waiting_on_an_open_origin_fetch_is_the_only_one_in_flight_at_the_end() {
    let b = bucket("b", US_EAST_1, None);
    let mut w = cdn_world(b, distribution(Origin::Global));
    w.duration = secs(20);
    w.objects = plain_objects(&["a", "b"]);
    w.classes = vec![
        probe_at_edge(at(10, 0), 0),
        probe_at_edge(at(20, 0) - ms(10), 1),
    ];
    let out = run(&w);
    assert_eq!((out.issued, out.completed, out.in_flight), (2, 1, 1));
    assert_eq!(total(&out, Counter::OriginFetches), 2);
    assert_eq!(only(&out, 0).statuses, [Ok]);
}
