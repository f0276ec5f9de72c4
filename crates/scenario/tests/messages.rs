//! The "messages that do not help" of issue 10: each now names the field path and
//! says what to write instead.

mod common;

use common::{invalid, syntax};

const MINIMAL: &str = r#"(
    name: "minimal",
    duration: "30m",
    regions: [(name: "us-east-1"), (name: "eu-west-1")],
    buckets: [(name: "photos", region: "eu-west-1", created_at: "5m")],
    clients: [
        (name: "app", count: 100, arrivals: poisson("1/min")),
        (name: "jvm", count: 10, arrivals: poisson("1/min"), dns: fixed("30s")),
    ],
)"#;

fn edited(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "{from}");
    MINIMAL.replacen(from, to, 1)
}

/// The message of a syntax error, without the snippet.
fn first_line(text: &str) -> String {
    let (_, _, message) = syntax(text);
    message.lines().next().unwrap_or("").to_string()
}

#[test]
fn a_negative_count_names_the_field_and_a_whole_number_to_write() {
    let message = first_line(&edited("count: 100,", "count: -500,"));
    assert_eq!(
        message,
        "test.ron:7:31: clients[0].count: -500 is negative; this field takes a whole \
         number from 0 up: write e.g. `count: 500`"
    );
}

#[test]
fn a_count_beyond_its_integer_type_names_the_field() {
    let message = first_line(&edited("count: 10,", "count: 99999999999999999999999,"));
    assert!(
        message.contains(
            "clients[1].count: 99999999999999999999999 is larger than this field can hold"
        ),
        "{message}"
    );
}

#[test]
fn a_bare_number_for_a_duration_says_to_write_it_with_its_unit() {
    let message = first_line(&edited(
        "    clients: [",
        "    dns: (record_ttl: 30),\n    clients: [",
    ));
    assert_eq!(
        message,
        "test.ron:6:23: dns.record_ttl: a duration is written as a string with its unit: \
         write \"30s\", not 30 (other forms: \"500ms\", \"30s\", \"5m\", \"2h\")"
    );
}

#[test]
fn a_bare_number_for_a_rate_says_to_write_it_with_its_unit() {
    let message = first_line(&edited("poisson(\"1/min\")),", "poisson(2)),"));
    assert!(message.contains("clients[0].arrivals"), "{message}");
    assert!(
        message.contains("a rate is written as a string with its unit: write \"2/s\", not 2"),
        "{message}"
    );
}

#[test]
fn a_number_for_a_name_says_to_quote_it() {
    let message = first_line(&edited("name: \"app\"", "name: 7"));
    assert!(
        message.contains("clients[0].name: expected a string: write the value in double quotes, e.g. `name: \"7\"`"),
        "{message}"
    );
}

#[test]
fn a_string_where_a_dns_policy_belongs_lists_the_forms_to_write() {
    let message = first_line(&edited("dns: fixed(\"30s\")", "dns: \"30s\""));
    assert!(message.contains("clients[1].dns: "), "{message}");
    assert!(
        message.contains(
            "`dns` is written as one of: none, honor_ttl, fixed(\"30s\"), at_least(\"30s\"), \
             forever or until_restart"
        ),
        "{message}"
    );
}

#[test]
fn a_sweep_value_its_field_cannot_read_lists_the_forms_to_write() {
    let text = edited(
        "\n)",
        "\n    sweep: (fields: [(path: \"clients[1].dns\", values: [\"30s\"])]),\n)",
    );
    assert_eq!(
        invalid(&text),
        [
            "sweep.fields[0] (clients[1].dns = \"30s\"): value \"30s\": Expected identifier; \
          `dns` is written as one of: none, honor_ttl, fixed(\"30s\"), at_least(\"30s\"), \
          forever or until_restart"
        ]
    );
}

#[test]
fn deep_nesting_says_how_deep_nesting_may_go_without_parser_internals() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let text = edited(
        "\n)",
        &format!("\n    sweep: (fields: [(path: \"seed\", values: [{deep}])]),\n)"),
    );
    let message = first_line(&text);
    assert!(
        message.contains(
            "sweep.fields[0].values[0]: lists, tuples and parentheses are nested more than \
             128 levels deep here"
        ),
        "{message}"
    );
    assert!(!message.contains("ron::"), "{message}");
    assert!(!message.contains("serde_stacker"), "{message}");
}

#[test]
fn invalid_utf8_gives_the_byte_offset_line_and_column() {
    let dir = std::env::temp_dir().join(format!("s3sim-messages-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.ron");
    let bytes = MINIMAL
        .replace("\"photos\"", "\"ph\u{1}otos\"")
        .replace('\u{1}', "\u{0}");
    let mut bytes = bytes.into_bytes();
    let at = bytes.iter().position(|&b| b == 0).unwrap();
    bytes[at] = 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let message = s3sim_scenario::load(&path).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        message.ends_with(&format!(
            "cannot read: not UTF-8 text: byte 0xff at byte offset {at} (line 5, column 25); \
             save the file as UTF-8"
        )),
        "{message}"
    );
}
