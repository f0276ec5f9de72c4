//! Every field of the schema can be set by a sweep path, and the value lands there.
//!
//! The paths are not listed by hand: they come from serializing a scenario that fills
//! every field (every optional section present, every list non-empty) through a
//! serializer that records the path of each struct field and list element. A field
//! added to the schema shows up here by itself; if it is optional or a list, the
//! walk insists that FILLED fills it, so that the fields inside it are reached too.

use s3sim_scenario::patch::set;
use s3sim_scenario::schema::{Scenario, from_ron};
use serde::Serialize;
use serde::ser::{self, Impossible};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A scenario with every optional field present and every list non-empty. It only
/// has to parse: patching does not validate.
const FILLED: &str = r#"(
    name: "filled",
    max_requests_per_replica: 2000000000,
    description: "every field",
    duration: "2h",
    bin: "2m",
    seed: 7,
    replicas: 3,
    default_region: "us-east-1",
    regions: [
        (name: "us-east-1", opt_in: false, facilities: [
            (name: "iad", ips: 4, service_time: fixed("5ms"), servers: 8, queue_limit: 50),
        ]),
        (name: "eu-west-1", opt_in: true, facilities: [(name: "dub", servers: 2, queue_limit: 9)]),
    ],
    locations: ["europe", "america"],
    rtt: (default: "90ms", same_region: "1ms", pairs: [(from: "europe", to: "eu-west-1", rtt: "20ms")]),
    buckets: [(
        name: "site", region: "eu-west-1", created_at: "5m", deleted_at: "1h",
        location_constraint: true, objects: 3, prefixes: ["a/"], keys: ["index.html"],
        website: (index_document: "index.html", routing_rules: [(
            condition: (key_prefix_equals: "old/", http_error_code_returned_equals: 404),
            redirect: (host_name: "example.com", protocol: https, replace_key_prefix_with: "new/",
                       replace_key_with: "x.html", http_redirect_code: 302),
        )]),
    )],
    dns: (record_ttl: "10s", propagation: exponential(mean: "3m"), propagation_cap: "1h",
          missing_bucket_nxdomain: true, cname_ttl: "300s"),
    resolvers: [(name: "isp", count: 5, min_ttl: "1s", max_ttl: "1h", negative_ttl: "30s",
                 rtt: "2ms", miss_rtt: "20ms", warm_start: false)],
    clients: [(
        name: "app", count: 10, location: "europe", resolvers: "isp", buckets: ["site"],
        popularity: zipf(1.0), arrivals: poisson("1/min"), start: "1m", stop: "1h",
        lifetime: restart_every("30m"), addressing: virtual_regional, dns: honor_ttl,
        redirects: sticky(max_hops: 3), connect_timeout: "3s", cdn: "www",
        retry: (max_attempts: 4, base: "50ms", cap: "5s",
                quota: (capacity: 100, retry_cost: 5, timeout_cost: 10, success_refund: 1)),
        keys: ["index.html"], key_popularity: zipf(0.8), region: "eu-west-1", sigv4: true,
        methods: (get: 8, head: 1, put: 1),
    )],
    s3: (temporary_redirect_code: 302, website_redirect_code: 307,
         rate_limits: (enabled: false, reads: "55/s", writes: "35/s", burst: "1m", split_after: "5m")),
    cdn: (
        edges: [(name: "fra", region: "eu-west-1", capacity: 1000, resolvers: "isp")],
        distributions: [(
            name: "www", bucket: "site", origin: website, access_control: true,
            host_header: viewer, aliases: ["www.example.com"],
            cache: (min_ttl: "1s", default_ttl: "1h", max_ttl: "1d", error_min_ttl: "5s",
                    redirects: current),
            origin_cache_control: (
                ok: (max_age: "1h", s_maxage: "2h", no_store: false),
                redirect: (max_age: "1m", s_maxage: "2m", no_store: false),
                error: (max_age: "5s", s_maxage: "6s", no_store: true),
            ),
        )],
        invalidation_delay: fixed("1m"),
    ),
    events: [drain(facility: "iad", at: "30m")],
)"#;

/// Top-level fields `set` refuses by design (they describe the runs, not the world).
const FIXED: [&str; 2] = ["sweep", "expect"];

/// What a value is to a path.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    /// A struct or a list: paths go on into it.
    Section,
    /// `None` or an empty list: nothing inside it is reached.
    Absent,
    /// A scalar, with another value of its type written in RON.
    Scalar(String),
    /// A string; which other strings its type accepts depends on the field.
    Text,
    /// An enum, set whole.
    Enum,
}

/// One field path of a scenario, with its value in RON.
#[derive(Clone, Debug)]
struct Field {
    path: String,
    ron: String,
    shape: Shape,
}

/// The serializer's error: the RON text of a value could not be written.
#[derive(Debug)]
struct Failed(String);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Failed(msg.to_string())
    }
}

/// Record every field path under `prefix` into `out`.
struct Walk<'a> {
    prefix: String,
    out: &'a mut Vec<Field>,
}

impl Walk<'_> {
    /// Record the value at `path` and everything inside it.
    fn field<T: Serialize + ?Sized>(&mut self, path: String, value: &T) -> Result<(), Failed> {
        let ron = ron::to_string(value).map_err(|e| Failed(e.to_string()))?;
        let shape = value.serialize(Walk {
            prefix: path.clone(),
            out: self.out,
        })?;
        self.out.push(Field { path, ron, shape });
        Ok(())
    }
}

/// A struct's fields or a list's elements, recorded one by one.
struct Members<'a> {
    walk: Walk<'a>,
    count: usize,
}

macro_rules! scalars {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<Shape, Failed> {
            Ok(Shape::Scalar(v.checked_add(1).unwrap_or(v - 1).to_string()))
        }
    )*};
}

impl<'a> ser::Serializer for Walk<'a> {
    type Ok = Shape;
    type Error = Failed;
    type SerializeSeq = Members<'a>;
    type SerializeTuple = Impossible<Shape, Failed>;
    type SerializeTupleStruct = Impossible<Shape, Failed>;
    type SerializeTupleVariant = Impossible<Shape, Failed>;
    type SerializeMap = Impossible<Shape, Failed>;
    type SerializeStruct = Members<'a>;
    type SerializeStructVariant = Leaf;

    scalars!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
             serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<Shape, Failed> {
        Ok(Shape::Scalar((!v).to_string()))
    }
    fn serialize_f32(self, v: f32) -> Result<Shape, Failed> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Shape, Failed> {
        Ok(Shape::Scalar(format!("{:?}", v + 0.5)))
    }
    fn serialize_char(self, _: char) -> Result<Shape, Failed> {
        Ok(Shape::Text)
    }
    fn serialize_str(self, _: &str) -> Result<Shape, Failed> {
        Ok(Shape::Text)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Shape, Failed> {
        Err(Failed("the schema has no byte strings".into()))
    }
    fn serialize_none(self) -> Result<Shape, Failed> {
        Ok(Shape::Absent)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Shape, Failed> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Shape, Failed> {
        Err(Failed("the schema has no unit fields".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Shape, Failed> {
        Err(Failed("the schema has no unit structs".into()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Shape, Failed> {
        Ok(Shape::Enum)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Shape, Failed> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Shape, Failed> {
        Ok(Shape::Enum)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Members<'a>, Failed> {
        Ok(Members {
            walk: self,
            count: 0,
        })
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Failed> {
        Err(Failed("the schema has tuples only inside enums".into()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Failed> {
        Err(Failed("the schema has no tuple structs".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Failed> {
        Err(Failed("the schema has no tuple variants".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Failed> {
        Err(Failed("the schema has no maps".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Members<'a>, Failed> {
        Ok(Members {
            walk: self,
            count: 0,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Leaf, Failed> {
        Ok(Leaf)
    }
}

/// An enum variant with fields: a leaf, whose fields are not paths.
struct Leaf;

impl ser::SerializeStructVariant for Leaf {
    type Ok = Shape;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Failed> {
        Ok(())
    }

    fn end(self) -> Result<Shape, Failed> {
        Ok(Shape::Enum)
    }
}

impl ser::SerializeStruct for Members<'_> {
    type Ok = Shape;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.count += 1;
        if self.walk.prefix.is_empty() && FIXED.contains(&key) {
            return Ok(());
        }
        let path = match self.walk.prefix.as_str() {
            "" => key.to_string(),
            prefix => format!("{prefix}.{key}"),
        };
        self.walk.field(path, value)
    }

    fn end(self) -> Result<Shape, Failed> {
        Ok(Shape::Section)
    }
}

impl ser::SerializeSeq for Members<'_> {
    type Ok = Shape;
    type Error = Failed;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        let path = format!("{}[{}]", self.walk.prefix, self.count);
        self.count += 1;
        self.walk.field(path, value)
    }

    fn end(self) -> Result<Shape, Failed> {
        Ok(if self.count == 0 {
            Shape::Absent
        } else {
            Shape::Section
        })
    }
}

/// Every field path of `scenario` but the fixed ones, with its value and shape.
fn fields(scenario: &Scenario) -> Vec<Field> {
    let mut out = Vec::new();
    let root = Walk {
        prefix: String::new(),
        out: &mut out,
    };
    let shape = scenario.serialize(root).expect("the scenario serializes");
    assert_eq!(shape, Shape::Section);
    out
}

/// path → RON text of every field of `scenario`.
fn values(scenario: &Scenario) -> BTreeMap<String, String> {
    fields(scenario)
        .into_iter()
        .map(|f| (f.path, f.ron))
        .collect()
}

/// Whether `inner` is a path inside `outer` (or `outer` itself).
fn within(inner: &str, outer: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn filled() -> Scenario {
    from_ron(FILLED, "filled.ron").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_walk_reaches_every_field_because_the_fixture_fills_every_one() {
    let all = fields(&filled());
    let absent: Vec<&str> = all
        .iter()
        .filter(|f| f.shape == Shape::Absent)
        .map(|f| f.path.as_str())
        .collect();
    assert!(
        absent.is_empty(),
        "fill these in FILLED so that the fields inside them are reached: {absent:?}"
    );
    let paths: Vec<&str> = all.iter().map(|f| f.path.as_str()).collect();
    for deep in [
        "regions[0].facilities[0].queue_limit",
        "buckets[0].website.routing_rules[0].redirect.http_redirect_code",
        "buckets[0].website.routing_rules[0].condition.key_prefix_equals",
        "clients[0].retry.quota.success_refund",
        "cdn.distributions[0].origin_cache_control.error.no_store",
        "cdn.distributions[0].cache.redirects",
        "events[0]",
    ] {
        assert!(paths.contains(&deep), "{deep} not walked: {paths:#?}");
    }
    assert!(!paths.iter().any(|p| p.starts_with("events[0].")));
}

#[test]
fn every_field_path_can_be_set_to_its_own_value() {
    let base = filled();
    for field in fields(&base) {
        let mut copy = base.clone();
        if let Err(e) = set(&mut copy, &field.path, &field.ron) {
            panic!("{} = {}: {e}", field.path, field.ron);
        }
        assert_eq!(
            copy, base,
            "{} = {} changed the scenario",
            field.path, field.ron
        );
    }
}

#[test]
fn every_list_element_path_can_also_be_set_with_a_star() {
    let base = filled();
    let mut starred = 0;
    for field in fields(&base).iter().filter(|f| f.path.contains('[')) {
        let path = starred_path(&field.path);
        let mut copy = base.clone();
        if let Err(e) = set(&mut copy, &path, &field.ron) {
            panic!("{path} = {}: {e}", field.ron);
        }
        starred += 1;
    }
    assert!(starred > 20, "only {starred} paths inside lists");
}

/// `a[0].b[12]` → `a[*].b[*]`.
fn starred_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn a_new_value_set_by_path_lands_at_that_path_and_nowhere_else() {
    let base = filled();
    let before = values(&base);
    let mut checked = 0;
    for field in fields(&base) {
        let candidates = match &field.shape {
            Shape::Scalar(other) => vec![other.clone()],
            // A string field may be a name, a duration or a rate.
            Shape::Text => ["\"7s\"", "\"8s\"", "\"7/s\""].map(String::from).to_vec(),
            Shape::Section | Shape::Enum | Shape::Absent => continue,
        };
        let landed = candidates.iter().find_map(|value| {
            let mut copy = base.clone();
            set(&mut copy, &field.path, value).ok()?;
            let after = values(&copy);
            (after[&field.path] != field.ron).then_some(after)
        });
        let after = landed.unwrap_or_else(|| panic!("no new value for {}", field.path));
        for (path, ron) in &before {
            if !within(&field.path, path) {
                assert_eq!(&after[path], ron, "setting {} changed {path}", field.path);
            }
        }
        checked += 1;
    }
    assert!(checked > 80, "only {checked} scalar fields");
}

#[test]
fn sweep_and_expect_are_the_only_fields_a_path_cannot_set() {
    let mut s = filled();
    let text = ron::to_string(&s).unwrap();
    let ron::Value::Map(top) = ron::from_str::<ron::Value>(&text).unwrap() else {
        panic!("a scenario is a struct: {text}")
    };
    let declared: BTreeSet<String> = top
        .iter()
        .map(|(k, _)| match k {
            ron::Value::String(name) => name.clone(),
            other => panic!("field name {other:?}"),
        })
        .collect();
    let walked: BTreeSet<String> = fields(&s)
        .into_iter()
        .map(|f| f.path)
        .filter(|p| !p.contains(['.', '[']))
        .collect();
    let unset: BTreeSet<&str> = declared.difference(&walked).map(String::as_str).collect();
    assert_eq!(unset, BTreeSet::from(FIXED));
    for name in FIXED {
        let refused = set(&mut s, &format!("{name}[0]"), "None").unwrap_err();
        assert_eq!(refused, format!("{name} cannot be swept"));
    }
}
