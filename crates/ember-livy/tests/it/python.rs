//! Python literals and dedent, checked against a real CPython when one is installed.

use std::process::Command;

use ember_livy::python::{PyValue, call_expression, dedent};
use serde_json::{Value, json};

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("-c")
            .arg("import sys; assert sys.version_info >= (3, 6)")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Runs `script` in CPython and returns its stdout.
fn run_python(py: &str, script: &str) -> String {
    let out = Command::new(py).arg("-c").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "python failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn nasty_values() -> Vec<Value> {
    vec![
        json!("plain"),
        json!("it's \"quoted\""),
        json!("back\\slash\\"),
        json!("\\'"),
        json!("line\nbreak\r\ttab\u{0}nul\u{7f}del"),
        json!("é ü ß 中文 😀 \u{2028}"),
        json!("'''\"\"\"{}%s{0}"),
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-17),
        json!(18446744073709551615u64),
        json!(1.5),
        json!(-1e-7),
        json!(1e300),
        json!([]),
        json!({}),
        json!([1, [2, [3, {"k": ["v", null]}]]]),
        json!({"a'b": {"c\\d": [true, "é"]}, "": 0}),
    ]
}

#[test]
fn literals_survive_cpython() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 on PATH");
        return;
    };
    let values = nasty_values();
    let mut script = String::from("import json, sys\nvalues = [\n");
    for v in &values {
        script.push_str(&PyValue::from(v.clone()).to_literal());
        script.push_str(",\n");
    }
    script.push_str("]\nsys.stdout.write(json.dumps(values, ensure_ascii=True))\n");
    let out = run_python(py, &script);
    let back: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(back, values);
    // Every literal is ASCII.
    for v in &values {
        assert!(PyValue::from(v.clone()).to_literal().is_ascii());
    }
}

#[test]
fn tuples_and_special_floats_in_cpython() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 on PATH");
        return;
    };
    let call = call_expression(
        "f",
        &[
            PyValue::Tuple(vec![1.into()]),
            PyValue::Tuple(vec![]),
            PyValue::Float(f64::INFINITY),
            PyValue::Float(f64::NEG_INFINITY),
        ],
        &[("k", PyValue::Float(f64::NAN)), ("s", "x'y".into())],
    )
    .unwrap();
    let script = format!(
        "import math\ndef f(a, b, c, d, k, s):\n    return (a == (1,) and b == () and c == math.inf and d == -math.inf and math.isnan(k) and s == \"x'y\")\nprint({call})\n"
    );
    assert_eq!(run_python(py, &script).trim(), "True");
}

#[test]
fn dedent_matches_cpython() {
    let cases = [
        "    a = 1\n    b = 2\n",
        "\n    def f():\n        return 1\n\n    f()\n",
        "  \n    x\n  y\n",
        "\tx\n\ty\n",
        "\tx\n    y\n",
        "    only\n",
        "no margin\n    indented\n",
        "    trailing spaces   \n    \t\n    z",
        "",
        "   ",
    ];
    let Some(py) = python() else {
        // Without CPython, pin the recorded answers of two cases.
        assert_eq!(dedent(cases[0]), "a = 1\nb = 2\n");
        assert_eq!(dedent(cases[2]), "\n  x\ny\n");
        return;
    };
    let script = "import json, sys, textwrap\nsys.stdout.write(json.dumps([textwrap.dedent(c) for c in json.loads(sys.argv[1])]))";
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(serde_json::to_string(&cases).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<String> = cases.iter().map(|c| dedent(c)).collect();
    assert_eq!(got, expected);
}
