//! Spark query shapes that DataFusion's SQL planner does not take, rewritten in the parsed
//! statement before it is planned (as `literals.rs` rewrites string literals):
//!
//! - **Generators** in `SELECT`: `explode`, `explode_outer`, `posexplode(_outer)` (with
//!   `AS (pos, e)`), `explode(map) AS (k, v)` (without names when the argument is a call that
//!   makes a map, `map(...)`: `key`, `value`; `posexplode`: `pos`, `key`, `value`) and `inline`
//!   (its columns named by the fields of the structs it is given) become DataFusion's `unnest`
//!   (`unnest_outer` for the `_outer` forms, which keep a `NULL` row for a `NULL` or empty array).
//!   `json_tuple(j, 'a', ...)` becomes one field lookup per name (`c0`, ...), `stack(n, ...)` one
//!   `unnest` per column (`col0`, ...), in `SELECT` and in `LATERAL VIEW`.
//! - **`LATERAL VIEW [OUTER] gen(...) t AS c1, ...`**: each view becomes a derived table
//!   `(SELECT *, <generator> FROM <what came before>)` under the name of the table it extends, and
//!   `t.c` references become `c`. Over a single table its name (or alias) still qualifies its
//!   columns; over a join the derived table has no single name, so columns are referred to
//!   without their table's name there.
//! - **`PIVOT (agg AS a, ... FOR col IN (v1 AS x, ...))`**: a `GROUP BY` over the input's other
//!   columns with one `agg FILTER (WHERE col = v)` per value and aggregate, `NULL` where no row
//!   has the value (as Spark). The input's columns come from planning `SELECT * FROM <input>`,
//!   see [`pivot_inputs`].
//! - **`UNPIVOT [INCLUDE|EXCLUDE NULLS] (v FOR n IN (c1 [AS l1], ...))`**: a `UNION ALL` of one
//!   branch per column (the input's other columns, the label as `n`, the value as `v`), rows
//!   with a `NULL` value left out unless `INCLUDE NULLS`; the input's columns are learnt as for
//!   `PIVOT`.
//! - **`GROUP BY window(t, ...)`** with `window`, `window.start`, `window.end` in the select
//!   list: those become the call and its fields (see `functions/time_window.rs`); rows with a
//!   `NULL` time are left out.
//! - **`GROUP BY a, b WITH ROLLUP`/`WITH CUBE`** become `ROLLUP(a, b)`/`CUBE(a, b)` (DataFusion
//!   ignores the modifier); `grouping_id(...)` becomes a `BIGINT` `grouping(...)` over its
//!   arguments, or over every grouping column when it has none; `grouping(c)` is `TINYINT`.
//! - **Expressions**: `a RLIKE p` is `regexp_like(a, p)`; `decode(e, s1, r1, ..., default)` is
//!   a `CASE` of null-safe equalities; `~x` is `bitwise_not(x)`;
//!   `count(DISTINCT a, b)` counts the distinct rows where no argument is `NULL`;
//!   `forall(a, f)` is `NOT any_match(a, NOT f)`; `array_sort(a, comparator)` is the
//!   higher-order `array_sort_by` (see `functions/higher_order.rs`);
//!   `expr.field` on any struct expression is a field access; `x [NOT] LIKE|ILIKE ANY|SOME|ALL (p,
//!   ...)` is one `LIKE` per pattern joined by `OR` (`ANY`, `SOME`) or `AND` (`ALL`); `LIKE p ESCAPE 'c'`
//!   with another escape character than `\` is the same pattern escaped with `\`.
//! - **Generators in `FROM`**: `FROM explode(a) [AS t(x)]` (and `posexplode`, `inline`, `stack`,
//!   `json_tuple`, the `_outer` forms) is `FROM (SELECT explode(a)) [AS t(x)]`.
//! - **Query clauses**: `MINUS [ALL]` is `EXCEPT [ALL]`; the query `TABLE t` is `SELECT * FROM
//!   t` (see also `dialect.rs`'s `spark_query_forms`); `SORT BY k` and `CLUSTER BY k` sort the
//!   result by `k` (each partition's order in Spark; one sorted partition here) and
//!   `DISTRIBUTE BY` changes no answer; `ORDER BY ALL` orders by every column of the select list.
//! - **`(a, b) IN (SELECT x, y ...)`** as a condition of `WHERE`: a correlated `EXISTS` (the
//!   same rows); elsewhere, and `NOT IN`, refused by name.
//! - **`IDENTIFIER('name')`**: the column or (in `FROM`) table of that name; anything else in
//!   the string is refused.
//! - **`FROM VALUES ...`** without an alias names its columns `col1`, `col2`, ... as Spark.
//! - **`regr_count(y, x)`** is a `BIGINT` `count` of the rows where both are set.
//! - **`TABLESAMPLE`**: `(n ROWS)` is the table's first `n` rows and `(p PERCENT)` each row kept
//!   with probability `p`%, as derived tables; `BUCKET x OUT OF y` is refused by name.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    AccessExpr, BinaryOperator, CeilFloorKind, DuplicateTreatment, Expr, FunctionArg,
    FunctionArgExpr, FunctionArguments, GroupByExpr, GroupByWithModifier, Ident, LateralView,
    NullInclusion, ObjectName, ObjectNamePart, OrderBy, OrderByExpr, OrderByKind, OrderByOptions,
    PivotValueSource, Query, Select, SelectItem, SetExpr, SetOperator, TableFactor,
    TableSampleKind, TableSampleQuantity, TableSampleUnit, TableWithJoins, TrimWhereField,
    UnaryOperator, Value, ValueWithSpan, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::Token;

fn plan_err(message: String) -> DataFusionError {
    DataFusionError::Plan(message)
}

/// A parser over `sql` tokenized exactly as the statement itself was (`numeric_literals`'s
/// `parse_statement`: Spark's string escapes kept raw, numeric suffixes joined, Ember's Spark
/// dialect), so text a rewrite prints reads back as the same tree.
fn parse_with<T>(
    sql: &str,
    parse: impl for<'p, 'd> FnOnce(&'p mut Parser<'d>) -> Result<T, ParserError>,
) -> DfResult<T> {
    let failed = |e: &dyn std::fmt::Display| plan_err(format!("rewriting `{sql}`: {e}"));
    let tokens = crate::literals::tokenize_spark(sql).map_err(|e| failed(&e))?;
    let mut parser = Parser::new(&crate::dialect::EmberSpark)
        .with_tokens_with_locations(crate::numeric_literals::join_suffixes(tokens));
    let parsed = parse(&mut parser).map_err(|e| failed(&e))?;
    // All of it: a rewrite whose text parses only in part must not lose the rest.
    match parser.peek_token().token {
        Token::EOF => Ok(parsed),
        other => Err(failed(&format!(
            "unexpected `{other}` after the rewritten text"
        ))),
    }
}

fn parse_expr(sql: &str) -> DfResult<Expr> {
    parse_with(sql, |p| p.parse_expr())
}

pub(crate) fn parse_select(sql: &str) -> DfResult<Box<datafusion::sql::sqlparser::ast::Query>> {
    parse_with(sql, |p| p.parse_query())
}

/// A call of the function `name` on `args` (SQL text), built so that a name with special syntax
/// (`ceil`, `floor`) stays a plain function call.
fn named_call(name: &str, args: &str) -> DfResult<Expr> {
    let mut call = parse_expr(&format!("__ember_call({args})"))?;
    if let Expr::Function(f) = &mut call {
        f.name = ObjectName::from(vec![Ident::new(name)]);
    }
    Ok(call)
}

/// The lower-case name of a call to a one-part function name, and its plain arguments.
fn call(expr: &Expr) -> Option<(String, Vec<&Expr>)> {
    let Expr::Function(f) = expr else {
        return None;
    };
    let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
        return None;
    };
    let args = match &f.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        FunctionArguments::None => Vec::new(),
        FunctionArguments::Subquery(_) => return None,
    };
    Some((name.value.to_lowercase(), args))
}

/// Backtick-quoted identifier.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The `unnest` items (SQL text) a generator call produces, named by `aliases` (Spark's
/// default names where empty), or `None` when `expr` is not a generator.
fn generator_items(expr: &Expr, aliases: &[Ident], outer: bool) -> DfResult<Option<Vec<String>>> {
    let Some((name, args)) = call(expr) else {
        return Ok(None);
    };
    let (base, outer) = match name.strip_suffix("_outer") {
        Some(base) => (base.to_owned(), true),
        None => (name.clone(), outer),
    };
    if matches!(name.as_str(), "json_tuple" | "stack") {
        return row_generator_items(&name, &args, aliases).map(Some);
    }
    if !matches!(base.as_str(), "explode" | "posexplode" | "inline") {
        return Ok(None);
    }
    let [arg] = args.as_slice() else {
        return Err(plan_err(format!("{name} takes one argument")));
    };
    let unnest = if outer { "unnest_outer" } else { "unnest" };
    // `inline` of structs written in the query is named by their fields, as in Spark.
    let derived;
    let aliases = match inline_field_names(&base, aliases, arg) {
        Some(fields) => {
            derived = fields;
            derived.as_slice()
        }
        None => aliases,
    };
    let names: Vec<String> = aliases.iter().map(|a| quoted(&a.value)).collect();
    // A map is exploded into keys and values: known by the names given, or, without names, by
    // a call that makes a map.
    let made_by = call(arg).map(|(n, _)| n);
    let map_arg = made_by.as_deref().is_some_and(|n| MAP_CALLS.contains(&n));
    let array_arg = made_by.as_deref() == Some("array");
    let map = match (base.as_str(), names.len()) {
        ("explode", 2) | ("posexplode", 3) => !array_arg,
        (_, 0) => map_arg,
        _ => false,
    };
    let named = |default: &[&str]| -> DfResult<Vec<String>> {
        if names.is_empty() {
            Ok(default.iter().map(|d| quoted(d)).collect())
        } else if names.len() == default.len() {
            Ok(names.clone())
        } else {
            Err(plan_err(format!(
                "[UDTF_ALIAS_NUMBER_MISMATCH] {name} produces {} columns, but {} names were given",
                default.len(),
                names.len()
            )))
        }
    };
    let positions = |name: &str| {
        format!(
            "{unnest}(CAST(CASE WHEN {arg} IS NULL THEN NULL \
             ELSE range(0, cardinality({arg})) END AS ARRAY<INT>)) AS {name}"
        )
    };
    let items = match (base.as_str(), map) {
        // A map: its keys and values side by side.
        ("explode", true) => {
            let n = named(&["key", "value"])?;
            vec![
                format!("{unnest}(map_keys({arg})) AS {}", n[0]),
                format!("{unnest}(map_values({arg})) AS {}", n[1]),
            ]
        }
        ("posexplode", true) => {
            let n = named(&["pos", "key", "value"])?;
            vec![
                positions(&n[0]),
                format!("{unnest}(map_keys({arg})) AS {}", n[1]),
                format!("{unnest}(map_values({arg})) AS {}", n[2]),
            ]
        }
        ("explode", _) => {
            let n = named(&["col"])?;
            vec![format!("{unnest}({arg}) AS {}", n[0])]
        }
        ("posexplode", _) => {
            let n = named(&["pos", "col"])?;
            vec![positions(&n[0]), format!("{unnest}({arg}) AS {}", n[1])]
        }
        _ if names.is_empty() => vec![format!("{unnest}({unnest}({arg}))")],
        // Named columns: the structs' fields renamed, in order, before they are unnested.
        _ => {
            let labels: Vec<String> = aliases
                .iter()
                .map(|a| format!("'{}'", a.value.replace('\'', "''")))
                .collect();
            let renamed = format!(
                "{}({arg}, {})",
                crate::functions::collections::RENAME_FIELDS,
                labels.join(", ")
            );
            labels
                .iter()
                .zip(&names)
                .map(|(label, name)| format!("{unnest}({renamed})[{label}] AS {name}"))
                .collect()
        }
    };
    Ok(Some(items))
}

/// The calls that make a map: `explode` of one is a map's explode.
const MAP_CALLS: &[&str] = &[
    "map",
    "map_from_arrays",
    "map_from_entries",
    "map_concat",
    "map_filter",
    "map_zip_with",
    "str_to_map",
    "transform_keys",
    "transform_values",
];

/// The field names of the structs `inline(array(named_struct('x', ...), ...))` or
/// `inline(array(struct(a, 1), ...))` unnests, as Spark names its columns (`struct`'s fields are
/// its columns' names, `col1`, `col2`, ... for other values), when the call gives no names.
fn inline_field_names(base: &str, aliases: &[Ident], arg: &Expr) -> Option<Vec<Ident>> {
    if base != "inline" || !aliases.is_empty() {
        return None;
    }
    let (array, items) = call(arg)?;
    if array != "array" {
        return None;
    }
    let first = items.first()?;
    // sqlparser reads `struct(a, 1)` as a struct expression, not a call.
    let (kind, fields) = match first {
        Expr::Struct { values, fields } if fields.is_empty() => {
            ("struct".to_owned(), values.iter().collect())
        }
        other => call(other)?,
    };
    let names: Vec<String> = match kind.as_str() {
        "named_struct" => fields
            .iter()
            .step_by(2)
            .map(|f| match f {
                Expr::Value(ValueWithSpan {
                    value: Value::SingleQuotedString(s),
                    ..
                }) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?,
        "struct" => fields
            .iter()
            .enumerate()
            .map(|(i, f)| match f {
                Expr::Identifier(c) => c.value.clone(),
                Expr::CompoundIdentifier(parts) => parts
                    .last()
                    .map_or_else(|| format!("col{}", i + 1), |p| p.value.clone()),
                _ => format!("col{}", i + 1),
            })
            .collect(),
        _ => return None,
    };
    Some(names.into_iter().map(Ident::new).collect())
}

/// `json_tuple(json, 'a', 'b')` (one row: `c0`, `c1`, the fields `a` and `b` of the JSON object)
/// and `stack(n, v1, ..., vk)` (`n` rows of `col0`, `col1`, ... taken from the values in turn,
/// `NULL` where they run out), named by `aliases` where given.
fn row_generator_items(name: &str, args: &[&Expr], aliases: &[Ident]) -> DfResult<Vec<String>> {
    let named = |i: usize, default: String| {
        aliases
            .get(i)
            .map_or_else(|| quoted(&default), |a| quoted(&a.value))
    };
    let check_names = |columns: usize| {
        if aliases.is_empty() || aliases.len() == columns {
            Ok(())
        } else {
            Err(plan_err(format!(
                "[UDTF_ALIAS_NUMBER_MISMATCH] {name} produces {columns} columns, but {} names were given",
                aliases.len()
            )))
        }
    };
    if name == "json_tuple" {
        let [json, fields @ ..] = args else {
            return Err(plan_err(
                "json_tuple takes a JSON string and field names".to_owned(),
            ));
        };
        if fields.is_empty() {
            return Err(plan_err(
                "json_tuple takes at least one field name".to_owned(),
            ));
        }
        check_names(fields.len())?;
        let field_fn = crate::functions::json::JSON_FIELD;
        return Ok(fields
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{field_fn}({json}, {f}) AS {}", named(i, format!("c{i}"))))
            .collect());
    }
    let [n, values @ ..] = args else {
        return Err(plan_err("stack takes a row count and values".to_owned()));
    };
    let rows = n
        .to_string()
        .parse::<usize>()
        .ok()
        .filter(|&r| r > 0)
        .ok_or_else(|| {
            plan_err(format!(
                "stack's row count must be a positive integer literal, got {n}"
            ))
        })?;
    if values.is_empty() {
        return Err(plan_err("stack takes at least one value".to_owned()));
    }
    let columns = values.len().div_ceil(rows);
    check_names(columns)?;
    Ok((0..columns)
        .map(|c| {
            let column: Vec<String> = (0..rows)
                .map(|r| {
                    values
                        .get(r * columns + c)
                        .map_or_else(|| "NULL".to_owned(), ToString::to_string)
                })
                .collect();
            format!(
                "unnest(make_array({})) AS {}",
                column.join(", "),
                named(c, format!("col{c}"))
            )
        })
        .collect())
}

fn parse_items(items: &[String]) -> DfResult<Vec<SelectItem>> {
    let query = parse_select(&format!("SELECT {}", items.join(", ")))?;
    match *query.body {
        SetExpr::Select(select) => Ok(select.projection),
        _ => Err(plan_err("rewriting a generator".to_owned())),
    }
}

/// Generators in the select list become `unnest` items. Several generators multiply, as in
/// Spark 4: each one's rows for every row of the ones before it (DataFusion's `unnest`s in one
/// projection would pair the rows up), so each becomes a derived table over what came before,
/// as a `LATERAL VIEW` does, and its item the columns it names.
fn rewrite_generators(select: &mut Select) -> DfResult<()> {
    let mut generated = Vec::with_capacity(select.projection.len());
    for item in &select.projection {
        generated.push(match item {
            SelectItem::UnnamedExpr(e) => generator_items(e, &[], false)?,
            SelectItem::ExprWithAlias { expr, alias } => {
                generator_items(expr, std::slice::from_ref(alias), false)?
            }
            SelectItem::ExprWithAliases { expr, aliases } => generator_items(expr, aliases, false)?,
            _ => None,
        });
    }
    let several = generated.iter().filter(|g| g.is_some()).count() > 1;
    let parsed: Vec<Option<Vec<SelectItem>>> = generated
        .iter()
        .map(|g| g.as_deref().map(parse_items).transpose())
        .collect::<DfResult<_>>()?;
    let all_named = parsed
        .iter()
        .flatten()
        .flatten()
        .all(|i| matches!(i, SelectItem::ExprWithAlias { .. }));
    let plain = matches!(&select.group_by, GroupByExpr::Expressions(keys, _) if keys.is_empty())
        && select.having.is_none()
        && !select.projection.iter().any(|i| {
            matches!(
                i,
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
            )
        });
    if several && all_named && plain {
        let mut from = std::mem::take(&mut select.from);
        let name = from_name(&from);
        for items in generated.iter().flatten() {
            // With no FROM, one row to generate from (`SELECT *` needs a relation).
            from = extended_by(
                from,
                items,
                &name,
                " FROM (VALUES (1)) AS __ember_one(__ember_one)",
            )?;
        }
        select.from = from;
    }
    let mut projection = Vec::with_capacity(select.projection.len());
    for (item, items) in std::mem::take(&mut select.projection)
        .into_iter()
        .zip(parsed)
    {
        match items {
            Some(items) if several && all_named && plain => {
                projection.extend(items.into_iter().map(|i| match i {
                    SelectItem::ExprWithAlias { alias, .. } => {
                        SelectItem::UnnamedExpr(Expr::Identifier(alias))
                    }
                    other => other,
                }));
            }
            Some(items) => projection.extend(items),
            None => projection.push(item),
        }
    }
    select.projection = projection;
    Ok(())
}

/// The name a derived table replacing `from` keeps, so `table.column` references still resolve.
fn from_name(from: &[TableWithJoins]) -> String {
    match from {
        [TableWithJoins { relation, joins }] if joins.is_empty() => match relation {
            TableFactor::Table { alias: Some(a), .. }
            | TableFactor::Derived { alias: Some(a), .. } => a.name.value.clone(),
            TableFactor::Table { name, .. } => name
                .0
                .last()
                .and_then(ObjectNamePart::as_ident)
                .map_or_else(|| "__ember_lateral".to_owned(), |i| i.value.clone()),
            _ => "__ember_lateral".to_owned(),
        },
        _ => "__ember_lateral".to_owned(),
    }
}

/// `from` as the derived table `(SELECT *, <items> FROM <from>) AS <name>` (a generator's columns
/// beside what came before); `empty` is the source written when `from` is empty.
fn extended_by(
    from: Vec<TableWithJoins>,
    items: &[String],
    name: &str,
    empty: &str,
) -> DfResult<Vec<TableWithJoins>> {
    let source = if from.is_empty() {
        empty.to_owned()
    } else {
        format!(
            " FROM {}",
            from.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let query = parse_select(&format!(
        "SELECT * FROM (SELECT *, {}{source}) AS {}",
        items.join(", "),
        quoted(name)
    ))?;
    match *query.body {
        SetExpr::Select(select) => Ok(select.from),
        _ => Err(plan_err("rewriting a generator".to_owned())),
    }
}

/// Each `LATERAL VIEW` becomes a derived table over what came before it.
/// Returns the names of the views, whose `t.c` references are now plain `c`.
fn rewrite_lateral_views(select: &mut Select) -> DfResult<Vec<String>> {
    if select.lateral_views.is_empty() {
        return Ok(Vec::new());
    }
    let views: Vec<LateralView> = std::mem::take(&mut select.lateral_views);
    let mut from = std::mem::take(&mut select.from);
    let mut view_names = Vec::new();
    for view in views {
        let items = generator_items(&view.lateral_view, &view.lateral_col_alias, view.outer)?
            .ok_or_else(|| {
                plan_err(format!(
                    "LATERAL VIEW takes explode, posexplode, inline, json_tuple or stack, got {}",
                    view.lateral_view
                ))
            })?;
        let name = from_name(&from);
        from = extended_by(from, &items, &name, "")?;
        if let Some(ObjectNamePart::Identifier(n)) = view.lateral_view_name.0.last() {
            view_names.push(n.value.to_lowercase());
        }
    }
    select.from = from;
    unqualify(select, &view_names);
    Ok(view_names)
}

/// `t.c` for a `LATERAL VIEW` named `t` in `view_names` becomes plain `c` in `node`.
fn unqualify<N: VisitMut>(node: &mut N, view_names: &[String]) {
    if view_names.is_empty() {
        return;
    }
    let _ = node.visit(&mut ExprFn(|e: &mut Expr| {
        if let Expr::CompoundIdentifier(parts) = e
            && let [table, column] = parts.as_slice()
            && view_names.contains(&table.value.to_lowercase())
        {
            *e = Expr::Identifier(column.clone());
        }
        Ok(())
    }));
}

/// `WITH ROLLUP`/`WITH CUBE` as `ROLLUP(...)`/`CUBE(...)`; the grouping columns.
fn rewrite_group_by(select: &mut Select) -> Vec<Expr> {
    if let GroupByExpr::Expressions(exprs, modifiers) = &mut select.group_by {
        let wrap = modifiers.iter().find_map(|m| match m {
            GroupByWithModifier::Rollup => Some(true),
            GroupByWithModifier::Cube => Some(false),
            _ => None,
        });
        if let Some(rollup) = wrap {
            let sets: Vec<Vec<Expr>> = std::mem::take(exprs).into_iter().map(|e| vec![e]).collect();
            *exprs = vec![if rollup {
                Expr::Rollup(sets)
            } else {
                Expr::Cube(sets)
            }];
            modifiers
                .retain(|m| !matches!(m, GroupByWithModifier::Rollup | GroupByWithModifier::Cube));
        }
        let mut columns: Vec<Expr> = Vec::new();
        let mut add = |e: &Expr| {
            if !columns.contains(e) {
                columns.push(e.clone());
            }
        };
        for e in exprs.iter() {
            match e {
                Expr::Rollup(sets) | Expr::Cube(sets) | Expr::GroupingSets(sets) => {
                    sets.iter().flatten().for_each(&mut add);
                }
                other => add(other),
            }
        }
        columns
    } else {
        Vec::new()
    }
}

/// Spark's `GROUP BY window(t, ...)` (or `session_window(t, gap)`): the grouping is named
/// `window` (`session_window`), so the select list's `window`, `window.start` and `window.end`
/// (and `HAVING`'s) become the call and its fields, named as Spark names them. Rows whose time
/// is `NULL` are in no window: Spark leaves them out, and so does the `t IS NOT NULL` this adds
/// to `WHERE` (for a `window(...)` in the select list too). A session window's grouping merges
/// rows into sessions after planning (`functions/time_window.rs`).
fn rewrite_time_window(select: &mut Select) -> DfResult<()> {
    let is_window =
        |e: &Expr| call(e).is_some_and(|(name, _)| name == "window" || name == "session_window");
    let grouped = match &select.group_by {
        GroupByExpr::Expressions(exprs, _) => exprs.iter().find(|e| is_window(e)).cloned(),
        GroupByExpr::All(_) => None,
    };
    // Spark refuses two different windows in one query block: a row would be in both. Calls
    // are compared by their lower-case name and arguments.
    let key = |e: &Expr| {
        call(e).map(|(name, args)| {
            format!(
                "{name}({})",
                args.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    };
    let mut windows: Vec<String> = grouped.iter().filter_map(key).collect();
    for item in &mut select.projection {
        if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
            let _ = datafusion::sql::sqlparser::ast::visit_expressions_mut(e, |x| {
                if is_window(x)
                    && let Some(k) = key(x)
                    && !windows.contains(&k)
                {
                    windows.push(k);
                }
                ControlFlow::<()>::Continue(())
            });
        }
    }
    if windows.len() > 1 {
        return Err(plan_err(
            "Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported.".into(),
        ));
    }
    let mut times: Vec<Expr> = Vec::new();
    // The name the grouping goes by: the function's.
    let named = grouped
        .as_ref()
        .and_then(call)
        .map_or_else(|| "window".to_owned(), |(name, _)| name);
    let named = named.as_str();
    if let Some(w) = &grouped {
        if let Some((_, args)) = call(w) {
            times.extend(args.first().map(|a| (*a).clone()));
        }
        let field = |name: &str| parse_expr(&format!("get_field({w}, '{name}')"));
        let (start, end) = (field("start")?, field("end")?);
        let replace = |e: &mut Expr| {
            let _ = datafusion::sql::sqlparser::ast::visit_expressions_mut(e, |x| {
                match x {
                    Expr::Identifier(i) if i.value.eq_ignore_ascii_case(named) => {
                        *x = w.clone();
                    }
                    Expr::CompoundIdentifier(parts)
                        if parts.len() == 2 && parts[0].value.eq_ignore_ascii_case(named) =>
                    {
                        match parts[1].value.to_ascii_lowercase().as_str() {
                            "start" => *x = start.clone(),
                            "end" => *x = end.clone(),
                            _ => {}
                        }
                    }
                    _ => {}
                }
                ControlFlow::<()>::Continue(())
            });
        };
        for item in &mut select.projection {
            if let SelectItem::UnnamedExpr(e) = item {
                // Spark names `window.start` `start` and `window` `window`.
                let alias = match e {
                    Expr::Identifier(i) if i.value.eq_ignore_ascii_case(named) => {
                        Some(Ident::new(named))
                    }
                    Expr::CompoundIdentifier(parts)
                        if parts.len() == 2 && parts[0].value.eq_ignore_ascii_case(named) =>
                    {
                        Some(parts[1].clone())
                    }
                    _ => None,
                };
                let mut expr = e.clone();
                replace(&mut expr);
                *item = match alias {
                    Some(alias) => SelectItem::ExprWithAlias { expr, alias },
                    None => SelectItem::UnnamedExpr(expr),
                };
            } else if let SelectItem::ExprWithAlias { expr, .. } = item {
                replace(expr);
            }
        }
        if let Some(having) = &mut select.having {
            replace(having);
        }
    }
    for item in &select.projection {
        if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item
            && let Some((name, args)) = call(e)
            && (name == "window" || name == "session_window")
        {
            times.extend(args.first().map(|a| (*a).clone()));
        }
    }
    // One window, so one time: left out where `NULL`.
    if let Some(t) = times.into_iter().next() {
        let present = Expr::IsNotNull(Box::new(Expr::Nested(Box::new(t))));
        select.selection = Some(match select.selection.take() {
            Some(w) => Expr::BinaryOp {
                left: Box::new(Expr::Nested(Box::new(w))),
                op: datafusion::sql::sqlparser::ast::BinaryOperator::And,
                right: Box::new(present),
            },
            None => present,
        });
    }
    Ok(())
}

/// Spark's `SEMI JOIN` and `ANTI JOIN` (without `LEFT`) are its `LEFT SEMI`/`LEFT ANTI` joins;
/// DataFusion's planner takes only the latter.
fn semi_and_anti_joins(select: &mut Select) {
    use datafusion::sql::sqlparser::ast::JoinOperator;
    for from in &mut select.from {
        for join in &mut from.joins {
            match &join.join_operator {
                JoinOperator::Semi(c) => join.join_operator = JoinOperator::LeftSemi(c.clone()),
                JoinOperator::Anti(c) => join.join_operator = JoinOperator::LeftAnti(c.clone()),
                _ => {}
            }
        }
    }
}

/// Spark's key of `l FULL OUTER JOIN r USING (k)`: `k` is `coalesce(l.k, r.k)`, and of a
/// `RIGHT JOIN`, `r.k` (DataFusion read `k` as the left's: NULL for the rows only the right
/// has). Unqualified keys in the select list, `WHERE`, `GROUP BY` and `HAVING` are rewritten
/// (not inside subqueries); `*` is the keys, then each side's other columns, as Spark's. One
/// join of two named relations; `l.k` written out stays the left's.
fn rewrite_using_keys(select: &mut Select) -> DfResult<()> {
    use datafusion::sql::sqlparser::ast::{JoinConstraint, JoinOperator};
    let [from] = select.from.as_slice() else {
        return Ok(());
    };
    let [join] = from.joins.as_slice() else {
        return Ok(());
    };
    let (right_join, keys) = match &join.join_operator {
        JoinOperator::FullOuter(JoinConstraint::Using(keys)) => (false, keys),
        JoinOperator::Right(JoinConstraint::Using(keys))
        | JoinOperator::RightOuter(JoinConstraint::Using(keys)) => (true, keys),
        _ => return Ok(()),
    };
    let name = |t: &TableFactor| match t {
        TableFactor::Table { alias: Some(a), .. } | TableFactor::Derived { alias: Some(a), .. } => {
            Some(a.name.to_string())
        }
        TableFactor::Table {
            name, alias: None, ..
        } => name.0.last().map(ToString::to_string),
        _ => None,
    };
    let (Some(left), Some(right)) = (name(&from.relation), name(&join.relation)) else {
        return Ok(());
    };
    let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let merged = |k: &str| {
        if right_join {
            format!("{right}.{k}")
        } else {
            format!("coalesce({left}.{k}, {right}.{k})")
        }
    };
    let key_of = |e: &Expr| match e {
        Expr::Identifier(i) => keys
            .iter()
            .find(|k| k.eq_ignore_ascii_case(&i.value))
            .cloned(),
        _ => None,
    };
    let replace = |e: &mut Expr| -> DfResult<()> {
        let mut visitor = OutsideSubqueries {
            depth: 0,
            rewrite: |x: &mut Expr| -> DfResult<()> {
                if let Some(k) = key_of(x) {
                    *x = parse_expr(&merged(&k))?;
                }
                Ok(())
            },
        };
        match VisitMut::visit(e, &mut visitor) {
            ControlFlow::Break(err) => Err(err),
            ControlFlow::Continue(()) => Ok(()),
        }
    };
    let mut projection = Vec::with_capacity(select.projection.len());
    for item in std::mem::take(&mut select.projection) {
        match item {
            SelectItem::UnnamedExpr(e) if key_of(&e).is_some() => {
                let k = key_of(&e).unwrap_or_default();
                projection.push(SelectItem::ExprWithAlias {
                    expr: parse_expr(&merged(&k))?,
                    alias: match e {
                        Expr::Identifier(i) => i,
                        _ => Ident::new(k),
                    },
                });
            }
            SelectItem::UnnamedExpr(mut e) => {
                replace(&mut e)?;
                projection.push(SelectItem::UnnamedExpr(e));
            }
            SelectItem::ExprWithAlias { mut expr, alias } => {
                replace(&mut expr)?;
                projection.push(SelectItem::ExprWithAlias { expr, alias });
            }
            SelectItem::Wildcard(options)
                if options.opt_except.is_none()
                    && options.opt_exclude.is_none()
                    && options.opt_replace.is_none()
                    && options.opt_rename.is_none() =>
            {
                let except = keys.join(", ");
                let items: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{} AS {k}", merged(k)))
                    .chain([
                        format!("{left}.* EXCEPT ({except})"),
                        format!("{right}.* EXCEPT ({except})"),
                    ])
                    .collect();
                let query = parse_select(&format!("SELECT {} FROM t", items.join(", ")))?;
                if let SetExpr::Select(parsed) = *query.body {
                    projection.extend(parsed.projection);
                }
            }
            other => projection.push(other),
        }
    }
    select.projection = projection;
    if let Some(w) = &mut select.selection {
        replace(w)?;
    }
    if let Some(h) = &mut select.having {
        replace(h)?;
    }
    if let GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
        for e in exprs {
            replace(e)?;
        }
    }
    Ok(())
}

/// Spark's lateral column aliases: in each `SELECT`, a later item's reference to an earlier
/// item's alias among `names` (`SELECT x + 1 AS a, a * 2`, `count(*) AS n, n * 10`) becomes
/// that item's expression (subqueries excepted, as in Spark). The caller passes only names
/// that planning found to be no column (a column of that name wins, as in Spark).
pub(crate) fn lateral_column_aliases(
    statement: &mut DFStatement,
    names: &HashSet<String>,
) -> DfResult<()> {
    /// How many expression nodes the replacements of one statement may add: an alias used
    /// many times in each of a chain of items multiplies (`b = a + a + ...`, `c = b + b + ...`).
    const MAX_LATERAL_NODES: usize = 100_000;
    struct Lateral<'a> {
        names: &'a HashSet<String>,
        added: usize,
    }
    impl VisitorMut for Lateral<'_> {
        type Break = DataFusionError;
        fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<Self::Break> {
            // Each alias's expression and its size in nodes.
            let mut defined: HashMap<String, (Expr, usize)> = HashMap::new();
            for item in &mut select.projection {
                let expr = match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
                    _ => continue,
                };
                if !defined.is_empty() {
                    let added = &mut self.added;
                    let mut visitor = OutsideSubqueries {
                        depth: 0,
                        rewrite: |e: &mut Expr| {
                            if let Expr::Identifier(i) = e
                                && let Some((value, size)) = defined.get(&i.value.to_lowercase())
                            {
                                *added += size;
                                if *added > MAX_LATERAL_NODES {
                                    return Err(plan_err(format!(
                                        "the lateral column aliases of this query expand to more \
                                         than {MAX_LATERAL_NODES} expressions; write the repeated \
                                         expressions in a subquery"
                                    )));
                                }
                                *e = Expr::Nested(Box::new(value.clone()));
                            }
                            Ok(())
                        },
                    };
                    if let ControlFlow::Break(err) = expr.visit(&mut visitor) {
                        return ControlFlow::Break(err);
                    }
                }
                if let SelectItem::ExprWithAlias { expr, alias } = item
                    && self.names.contains(&alias.value.to_lowercase())
                {
                    let mut size = 0usize;
                    let _ = datafusion::sql::sqlparser::ast::visit_expressions(
                        expr,
                        |_| -> ControlFlow<()> {
                            size += 1;
                            ControlFlow::Continue(())
                        },
                    );
                    defined.insert(alias.value.to_lowercase(), (expr.clone(), size));
                }
            }
            ControlFlow::Continue(())
        }
    }
    if let Some(sql) = crate::planning::sql_statement_mut(statement)
        && let ControlFlow::Break(err) = sql.visit(&mut Lateral { names, added: 0 })
    {
        return Err(err);
    }
    Ok(())
}

/// A rewrite of each expression outside the subqueries of what it visits.
struct OutsideSubqueries<F> {
    depth: usize,
    rewrite: F,
}

impl<F: FnMut(&mut Expr) -> DfResult<()>> VisitorMut for OutsideSubqueries<F> {
    type Break = DataFusionError;

    fn pre_visit_query(
        &mut self,
        _query: &mut datafusion::sql::sqlparser::ast::Query,
    ) -> ControlFlow<Self::Break> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(
        &mut self,
        _query: &mut datafusion::sql::sqlparser::ast::Query,
    ) -> ControlFlow<Self::Break> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<Self::Break> {
        if self.depth == 0
            && let Err(err) = (self.rewrite)(e)
        {
            return ControlFlow::Break(err);
        }
        ControlFlow::Continue(())
    }
}

/// `grouping_id(...)` and `grouping(c)` with Spark's result types.
fn rewrite_grouping(select: &mut Select, columns: &[Expr]) -> DfResult<()> {
    let all = columns
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut visitor = ExprFn(|e: &mut Expr| {
        match call(e) {
            Some((name, args)) if name == "grouping_id" => {
                let args = if args.is_empty() {
                    all.clone()
                } else {
                    args.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                *e = parse_expr(&format!("CAST(grouping({args}) AS BIGINT)"))?;
            }
            Some((name, args)) if name == "grouping" && args.len() == 1 => {
                *e = parse_expr(&format!("CAST({e} AS TINYINT)"))?;
            }
            _ => {}
        }
        Ok(())
    });
    let flow = select.projection.visit(&mut visitor);
    let flow = match flow {
        ControlFlow::Continue(()) => select.having.visit(&mut visitor),
        broken => broken,
    };
    match flow {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(e) => Err(e),
    }
}

/// The text of Spark's `IDENTIFIER('name')` clause in an expression (a call of `identifier` on
/// one string literal).
fn identifier_clause(e: &Expr) -> Option<String> {
    match call(e)? {
        (name, args) if name == "identifier" => match args.as_slice() {
            [
                Expr::Value(ValueWithSpan {
                    value: Value::SingleQuotedString(text) | Value::DoubleQuotedString(text),
                    ..
                }),
            ] => Some(text.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The (qualified) name `text` of an `IDENTIFIER` clause as a column reference; anything but a
/// name is refused, as in Spark.
fn name_of_identifier_clause(text: &str) -> DfResult<Expr> {
    let refused = || {
        plan_err(format!(
            "[PARSE_SYNTAX_ERROR] IDENTIFIER takes a name, such as IDENTIFIER('t.c'); '{text}' is not one"
        ))
    };
    match parse_expr(text) {
        Ok(name @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_))) => Ok(name),
        _ => Err(refused()),
    }
}

/// `FROM IDENTIFIER('t')`: the table `t` (sqlparser reads the clause as a table function).
fn rewrite_identifier_table(t: &mut TableFactor) -> DfResult<()> {
    let TableFactor::Table { name, args, .. } = t else {
        return Ok(());
    };
    let is_clause = matches!(name.0.as_slice(), [ObjectNamePart::Identifier(i)]
        if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("identifier"));
    let Some(table_args) = args.as_ref().filter(|_| is_clause) else {
        return Ok(());
    };
    let [
        FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(text) | Value::DoubleQuotedString(text),
            ..
        }))),
    ] = table_args.args.as_slice()
    else {
        return Ok(());
    };
    let text = text.clone();
    let query = parse_select(&format!("SELECT * FROM {text}")).ok();
    let table = query.and_then(|q| match *q.body {
        SetExpr::Select(select) => match select.from.into_iter().next()?.relation {
            TableFactor::Table {
                name,
                args: None,
                alias: None,
                ..
            } => Some(name),
            _ => None,
        },
        _ => None,
    });
    match table {
        Some(table) if !text.contains(|c: char| c.is_whitespace() || c == ',') => {
            *name = table;
            *args = None;
            Ok(())
        }
        _ => Err(plan_err(format!(
            "[PARSE_SYNTAX_ERROR] IDENTIFIER takes a table name, such as IDENTIFIER('db.t'); '{text}' is not one"
        ))),
    }
}

/// The conjuncts of `e`'s top-level `AND` chain (parentheses around one looked through).
fn conjuncts<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        Expr::Nested(inner)
            if matches!(
                inner.as_ref(),
                Expr::BinaryOp {
                    op: BinaryOperator::And,
                    ..
                }
            ) =>
        {
            conjuncts(inner, out);
        }
        other => out.push(other),
    }
}

/// The row, subquery and negation of a row-value `(a, b) [NOT] IN (SELECT x, y ...)`.
fn row_in(e: &Expr) -> Option<(&Vec<Expr>, &Query, bool)> {
    match e {
        Expr::InSubquery {
            expr,
            subquery,
            negated,
        } => match expr.as_ref() {
            Expr::Tuple(items) => Some((items, subquery, *negated)),
            _ => None,
        },
        _ => None,
    }
}

/// A row-value `IN` as a conjunct of `WHERE`, as a (correlated) `EXISTS` over the subquery's
/// rows named `__ember_in(c0, c1, ...)`, which keeps the same rows:
/// - `(a, b) IN (SELECT x, y ...)` is `EXISTS (... WHERE c0 = a AND c1 = b)` (a `NULL`
///   comparison drops the row either way);
/// - `(a, b) NOT IN (SELECT x, y ...)` keeps a row when no subquery row may equal it: `NOT
///   EXISTS (... WHERE (c0 <> a OR c1 <> b) IS NOT TRUE)`, so a row with a `NULL` that a
///   subquery row could match is dropped, as Spark's null-aware `NOT IN` does, and every row is
///   kept when the subquery has none.
///
/// Anywhere else a row-value `IN` is refused by name (`rewrite_expr`). A `WHERE` without one is
/// left untouched (no copy: this runs on every query).
fn rewrite_row_in(select: &mut Select) -> DfResult<()> {
    let Some(selection) = &select.selection else {
        return Ok(());
    };
    let mut parts = Vec::new();
    conjuncts(selection, &mut parts);
    if !parts.iter().any(|p| row_in(p).is_some()) {
        return Ok(());
    }
    let rewritten: Vec<String> = parts
        .iter()
        .map(|part| match row_in(part) {
            Some((items, subquery, negated)) => {
                let columns: Vec<String> = (0..items.len()).map(|i| format!("c{i}")).collect();
                let (op, join) = if negated {
                    ("<>", " OR ")
                } else {
                    ("=", " AND ")
                };
                let tests: Vec<String> = items
                    .iter()
                    .zip(&columns)
                    .map(|(item, c)| format!("__ember_in.{c} {op} ({item})"))
                    .collect();
                let (not, test) = if negated {
                    ("NOT ", format!("({}) IS NOT TRUE", tests.join(join)))
                } else {
                    ("", tests.join(join))
                };
                format!(
                    "{not}EXISTS (SELECT 1 FROM ({subquery}) AS __ember_in({}) WHERE {test})",
                    columns.join(", "),
                )
            }
            None => format!("({part})"),
        })
        .collect();
    select.selection = Some(parse_expr(&rewritten.join(" AND "))?);
    Ok(())
}

/// `EXISTS (q)` and `x [NOT] IN (q)` as values of the `SELECT` list, which DataFusion turns into
/// joins only in conditions, written as scalar subqueries it decorrelates (through `count`,
/// which it answers 0 for an outer row without matches):
/// - `EXISTS (SELECT ... FROM f WHERE c)`, a plain `SELECT`, is `(SELECT count(*) > 0 FROM f
///   WHERE c)`, its correlation (in `c`) unchanged;
/// - `x IN (q)`, `q` of one column that does not read the outer row, is true or false, never
///   `NULL`, as Spark answers it as a value (recorded from PySpark 4.3: an existence join):
///   whether a row of `q` equals `x`. `x NOT IN (q)` is null-aware: false if a row of `q`
///   equals `x`, or has a `NULL`, or `x` is `NULL` and `q` has rows; else true. Each test is
///   a subquery over `(q) AS __ember_in(c0)`, so `x`'s columns are the outer row's.
///
/// Other shapes are left as they are (DataFusion's planner refuses them, named in `error.rs`).
fn rewrite_subquery_values(select: &mut Select) -> DfResult<()> {
    for item in &mut select.projection {
        let (SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. }) = item else {
            continue;
        };
        let visited = datafusion::sql::sqlparser::ast::visit_expressions_mut(expr, |e| {
            let text = match e {
                Expr::Exists { subquery, negated } => plain_select(subquery).map(|(query, _)| {
                    let mut counted = query.clone();
                    set_projection(&mut counted, "count(*) > 0");
                    let not = if *negated { "NOT " } else { "" };
                    format!("{not}({counted})")
                }),
                Expr::InSubquery {
                    expr,
                    subquery,
                    negated,
                } if !matches!(expr.as_ref(), Expr::Tuple(_))
                    && plain_select(subquery).is_some_and(|(_, columns)| columns == 1) =>
                {
                    let rows = format!("(SELECT count(*) > 0 FROM ({subquery}) AS __ember_in(c0)");
                    let matched = format!("{rows} WHERE __ember_in.c0 = ({expr}))");
                    Some(if *negated {
                        format!(
                            "(NOT ({matched} OR ({expr}) IS NULL AND {rows}) \
                             OR {rows} WHERE __ember_in.c0 IS NULL)))"
                        )
                    } else {
                        matched
                    })
                }
                _ => None,
            };
            if let Some(text) = text {
                match parse_expr(&text) {
                    Ok(rewritten) => *e = rewritten,
                    Err(err) => return ControlFlow::Break(err),
                }
            }
            ControlFlow::Continue(())
        });
        if let ControlFlow::Break(e) = visited {
            return Err(e);
        }
    }
    Ok(())
}

/// `query` and its number of select items, if it is one plain `SELECT` (no `WITH`, grouping,
/// `HAVING`, window, `LIMIT` or `OFFSET`).
fn plain_select(query: &Query) -> Option<(&Query, usize)> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    let grouped = match &select.group_by {
        GroupByExpr::Expressions(keys, _) => !keys.is_empty(),
        GroupByExpr::All(_) => true,
    };
    let plain = query.with.is_none()
        && query.limit_clause.is_none()
        && query.fetch.is_none()
        && !grouped
        && select.having.is_none()
        && select.qualify.is_none()
        && select.named_window.is_empty()
        && select.projection.iter().all(|i| {
            !matches!(
                i,
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
            )
        });
    plain.then_some((query, select.projection.len()))
}

/// Makes the select list of `query` (a plain `SELECT`) the one expression `text`, an aggregate:
/// its `ORDER BY` (which orders nothing then, and could name ungrouped columns) goes.
fn set_projection(query: &mut Query, text: &str) {
    if let (SetExpr::Select(select), Ok(e)) = (query.body.as_mut(), parse_expr(text)) {
        select.projection = vec![SelectItem::UnnamedExpr(e)];
        query.order_by = None;
    }
}

/// The patterns of a quantified `LIKE`: `(p1, p2)` or `(p)` after `ANY`, or the arguments of a
/// call `ALL(p1, ...)` (how sqlparser reads `LIKE ALL (...)`); anything else is refused, as
/// Spark refuses `LIKE ANY f(x)`.
fn like_patterns(pattern: &Expr, any: bool) -> DfResult<Vec<&Expr>> {
    match pattern {
        Expr::Tuple(items) if any => Ok(items.iter().collect()),
        Expr::Nested(inner) if any => Ok(vec![inner.as_ref()]),
        other if !any => call(other)
            .map(|(_, args)| args)
            .ok_or_else(|| plan_err(format!("LIKE ALL takes a list of patterns, got {other}"))),
        other => Err(plan_err(format!(
            "LIKE ANY takes a parenthesized list of patterns, got {other}"
        ))),
    }
}

/// `expr [NOT] LIKE ANY|ALL (p, ...)` (SQL text) as one higher-order test over the array of
/// patterns, so `expr` is written once (a chain of `LIKE`s repeats it, and nested quantified
/// `LIKE`s grew exponentially): `ANY` is `any_match`, `ALL` is `NOT any_match` of the negated
/// test, which keep SQL's three-valued logic.
fn quantified_like(
    expr: &Expr,
    negated: bool,
    patterns: &[&Expr],
    all: bool,
    operator: &str,
) -> String {
    let patterns: Vec<String> = patterns.iter().map(ToString::to_string).collect();
    let (outer, inner) = match (all, negated) {
        (false, false) => ("", ""),
        (false, true) => ("", "NOT "),
        (true, false) => ("NOT ", "NOT "),
        (true, true) => ("NOT ", ""),
    };
    format!(
        "{outer}any_match(array({}), __ember_pattern -> {inner}(({expr}) {operator} __ember_pattern))",
        patterns.join(", ")
    )
}

/// `decode(expr, s1, r1, s2, r2, ..., [default])` as SQL text: `CASE WHEN expr <=> s1 THEN r1
/// ... ELSE default END` (`NULL` matches `NULL`, as in Spark).
fn decode_as_case(args: &[&Expr]) -> String {
    let Some((subject, rest)) = args.split_first() else {
        return String::new();
    };
    let mut text = String::from("CASE");
    for pair in rest.chunks(2) {
        match pair {
            [search, result] => {
                text.push_str(&format!(" WHEN ({subject}) <=> ({search}) THEN ({result})"));
            }
            [default] => text.push_str(&format!(" ELSE ({default})")),
            _ => {}
        }
    }
    text.push_str(" END");
    text
}

/// A `LIKE` pattern literal written with the escape character `escape`, rewritten to escape
/// with `\` (the only one DataFusion takes); `None` when it has a backslash of its own (whose
/// meaning the rewrite would have to untangle from Spark's string escapes).
fn escaped_with_backslash(pattern: &str, escape: char) -> Option<String> {
    if pattern.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            // In the raw literal a backslash is written twice (Spark's string escapes).
            out.push_str("\\\\");
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `timestampadd(UNIT, ...)` and its synonyms: whether it adds (else it counts), and the unit;
/// `None` for another call. A unit in quotes is refused as Spark refuses it.
fn unit_call(e: &Expr) -> Option<(bool, String)> {
    let (name, args) = call(e)?;
    let add = match name.to_ascii_lowercase().as_str() {
        "timestampadd" | "dateadd" | "date_add" => true,
        "timestampdiff" | "datediff" | "date_diff" => false,
        _ => return None,
    };
    if args.len() != 3 {
        return None;
    }
    match args[0] {
        Expr::Identifier(unit)
            if unit.quote_style.is_none()
                && crate::functions::datetime_units::is_unit(&unit.value, add) =>
        {
            Some((add, unit.value.to_uppercase()))
        }
        _ => None,
    }
}

/// Expression rewrites that need no context (see the module docs).
fn rewrite_expr(e: &mut Expr) -> DfResult<()> {
    let operator = if matches!(e, Expr::ILike { .. }) {
        "ILIKE"
    } else {
        "LIKE"
    };
    match e {
        Expr::InSubquery { expr, negated, .. } if matches!(expr.as_ref(), Expr::Tuple(_)) => {
            let not = if *negated { "NOT " } else { "" };
            return Err(plan_err(format!(
                "({}) {not}IN (subquery) with more than one column is supported by Ember only as \
                 a condition of WHERE",
                match expr.as_ref() {
                    Expr::Tuple(items) => items
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                }
            )));
        }
        // Spark's `decode(expr, search, result, ..., [default])`: a CASE of null-safe
        // equalities (`decode(bin, charset)` is a function, functions/charsets.rs).
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
                if name.eq_ignore_ascii_case("decode") && args.len() >= 3) =>
        {
            if let Some((_, args)) = call(e) {
                let text = decode_as_case(&args);
                *e = parse_expr(&text)?;
            }
        }
        // Spark's `timestampadd(unit, n, ts)` and `timestampdiff(unit, a, b)` (and `dateadd`,
        // `date_add`, `datediff`, `date_diff` with three arguments): the unit is a keyword,
        // planned as a string (functions/datetime_units.rs).
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
            if args.len() == 3
                && matches!(name.to_ascii_lowercase().as_str(), "timestampadd" | "timestampdiff")
                && matches!(args[0], Expr::Value(ValueWithSpan {
                    value: Value::SingleQuotedString(_),
                    ..
                }))) =>
        {
            if let Some((name, args)) = call(e) {
                return Err(plan_err(format!(
                    "[INVALID_PARAMETER_VALUE.DATETIME_UNIT] The value of parameter(s) `unit` in \
                     `{}` is invalid: expects one of the units without quotes {}, but got the \
                     string literal {}. SQLSTATE: 22023",
                    name.to_ascii_lowercase(),
                    crate::functions::datetime_units::UNITS.join(", "),
                    args[0]
                )));
            }
        }
        Expr::Function(_) if unit_call(e).is_some() => {
            if let Some((add, unit)) = unit_call(e) {
                let name = if add {
                    crate::functions::datetime_units::TIMESTAMP_ADD
                } else {
                    crate::functions::datetime_units::TIMESTAMP_DIFF
                };
                if let Expr::Function(f) = e
                    && let FunctionArguments::List(list) = &mut f.args
                    && let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(first))) =
                        list.args.first_mut()
                {
                    *first = Expr::value(Value::SingleQuotedString(unit));
                    f.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))]);
                }
            }
        }
        // Spark's optional arguments DataFusion's functions lack: `replace(s, search)` removes
        // `search`; `levenshtein(a, b, threshold)` is -1 past the threshold;
        // `regexp_replace(s, p, r, pos)` replaces from the 1-based position `pos` on.
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
                if matches!((name.as_str(), args.len()),
                    ("replace", 2) | ("levenshtein", 3) | ("regexp_replace", 4))) =>
        {
            if let Some((name, args)) = call(e) {
                let text = match (name.as_str(), &args[..]) {
                    ("replace", [s, search]) => format!("replace({s}, {search}, '')"),
                    ("levenshtein", [a, b, t]) => format!(
                        "CASE WHEN levenshtein({a}, {b}) <= ({t}) THEN levenshtein({a}, {b}) \
                         WHEN ({t}) IS NOT NULL THEN -1 END"
                    ),
                    ("regexp_replace", [s, p, r, pos]) => format!(
                        "concat(substr({s}, 1, ({pos}) - 1), \
                         regexp_replace(substr({s}, {pos}), {p}, {r}))"
                    ),
                    _ => return Ok(()),
                };
                *e = parse_expr(&text)?;
            }
        }
        // Spark's `ltrim(trimStr, str)` and `rtrim(trimStr, str)` take the characters to trim
        // first (DataFusion's second: `ltrim('xxSpark', 'x')` trimmed the wrong string); Spark
        // plans and names them as `TRIM(LEADING trimStr FROM str)`.
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
                if args.len() == 2 && matches!(name.as_str(), "ltrim" | "rtrim")) =>
        {
            if let Some((name, args)) = call(e)
                && let [what, from] = args[..]
            {
                *e = Expr::Trim {
                    trim_where: Some(if name == "ltrim" {
                        TrimWhereField::Leading
                    } else {
                        TrimWhereField::Trailing
                    }),
                    trim_what: Some(Box::new(what.clone())),
                    expr: Box::new(from.clone()),
                    trim_characters: None,
                };
            }
        }
        // `collect_set(x)` in ascending order: Spark's is its hash set's, which is ascending
        // for small integers (`[1, 2]`); `datafusion-spark`'s was its own hash set's (`[2, 1]`).
        Expr::Function(_) if matches!(call(e), Some((name, args)) if name == "collect_set" && args.len() == 1) =>
        {
            *e = parse_expr(&format!("array_sort({e})"))?;
        }
        // Spark's `array_agg(x)` is `collect_list(x)`: NULLs left out (DataFusion's keeps
        // them). `collect_list(DISTINCT x)` is `collect_set(x)`: `datafusion-spark`'s
        // collect_list ignores DISTINCT (right alone, where DataFusion groups by `x` first, but
        // not beside another aggregate).
        Expr::Function(f)
            if f.over.is_none()
                && f.within_group.is_empty()
                && matches!(call(e), Some((name, args))
                    if (name.eq_ignore_ascii_case("array_agg")
                        || name.eq_ignore_ascii_case("collect_list")) && args.len() == 1) =>
        {
            if let Expr::Function(f) = e {
                let distinct = matches!(&f.args, FunctionArguments::List(list)
                    if matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct)));
                let name = if distinct {
                    "collect_set"
                } else {
                    "collect_list"
                };
                f.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))]);
                if distinct {
                    if let FunctionArguments::List(list) = &mut f.args {
                        list.duplicate_treatment = None;
                    }
                    *e = parse_expr(&format!("array_sort({e})"))?;
                }
            }
        }
        Expr::Function(_) if identifier_clause(e).is_some() => {
            if let Some(name) = identifier_clause(e) {
                *e = name_of_identifier_clause(&name)?;
            }
        }
        Expr::Like {
            negated,
            any: true,
            expr,
            pattern,
            escape_char: None,
        }
        | Expr::ILike {
            negated,
            any: true,
            expr,
            pattern,
            escape_char: None,
        } => {
            let text = quantified_like(
                expr,
                *negated,
                &like_patterns(pattern, true)?,
                false,
                operator,
            );
            *e = parse_expr(&text)?;
        }
        Expr::Like {
            negated,
            any: false,
            expr,
            pattern,
            escape_char: None,
        }
        | Expr::ILike {
            negated,
            any: false,
            expr,
            pattern,
            escape_char: None,
        } if matches!(call(pattern), Some((name, _)) if matches!(name.as_str(), "all" | "some" | "any")) =>
        {
            let all = matches!(call(pattern), Some((name, _)) if name == "all");
            let text = quantified_like(
                expr,
                *negated,
                &like_patterns(pattern, false)?,
                all,
                operator,
            );
            *e = parse_expr(&text)?;
        }
        Expr::Like {
            pattern,
            escape_char: Some(escape),
            ..
        }
        | Expr::ILike {
            pattern,
            escape_char: Some(escape),
            ..
        } if !matches!(&escape.value, Value::SingleQuotedString(c) if c == "\\" || c == "\\\\") => {
            let escape_text = match &escape.value {
                Value::SingleQuotedString(c) => c.clone(),
                other => other.to_string(),
            };
            let mut chars = escape_text.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(plan_err(format!(
                    "the ESCAPE of LIKE must be one character, got '{escape_text}'"
                )));
            };
            if let Expr::Value(ValueWithSpan {
                value: Value::SingleQuotedString(p),
                ..
            }) = pattern.as_mut()
                && let Some(rewritten) = escaped_with_backslash(p, c)
            {
                *p = rewritten;
                if let Expr::Like { escape_char, .. } | Expr::ILike { escape_char, .. } = e {
                    *escape_char = None;
                }
            }
        }
        Expr::RLike {
            negated,
            expr,
            pattern,
            ..
        } => {
            let not = if *negated { "NOT " } else { "" };
            *e = parse_expr(&format!("{not}regexp_like({expr}, {pattern})"))?;
        }
        Expr::Ceil {
            expr,
            field: CeilFloorKind::Scale(scale),
        } => {
            *e = named_call("ceil", &format!("{expr}, {scale}"))?;
        }
        Expr::Floor {
            expr,
            field: CeilFloorKind::Scale(scale),
        } => {
            *e = named_call("floor", &format!("{expr}, {scale}"))?;
        }
        Expr::Lambda(lambda) => {
            // `s.a` for a lambda parameter `s` is a field of `s`, not a column of a table `s`.
            let params: Vec<String> = lambda
                .params
                .iter()
                .map(|p| p.name.value.to_lowercase())
                .collect();
            let _ = lambda.body.visit(&mut ExprFn(|inner: &mut Expr| {
                if let Expr::CompoundIdentifier(parts) = inner
                    && let [root, fields @ ..] = parts.as_slice()
                    && !fields.is_empty()
                    && params.contains(&root.value.to_lowercase())
                {
                    *inner = Expr::CompoundFieldAccess {
                        root: Box::new(Expr::Identifier(root.clone())),
                        access_chain: fields
                            .iter()
                            .map(|f| {
                                AccessExpr::Dot(Expr::Value(ValueWithSpan::from(
                                    Value::SingleQuotedString(f.value.clone()),
                                )))
                            })
                            .collect(),
                    };
                }
                Ok(())
            }));
        }
        Expr::UnaryOp {
            op: UnaryOperator::BitwiseNot,
            expr,
        } => {
            *e = parse_expr(&format!("bitwise_not({expr})"))?;
        }
        Expr::CompoundFieldAccess { access_chain, .. } => {
            for access in access_chain {
                if let AccessExpr::Dot(Expr::Identifier(field)) = access {
                    *access = AccessExpr::Dot(Expr::Value(ValueWithSpan::from(
                        Value::SingleQuotedString(field.value.clone()),
                    )));
                }
            }
        }
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
                if name == "array_sort" && matches!(args.as_slice(), [_, Expr::Lambda(_)])) =>
        {
            if let Some((_, args)) = call(e) {
                let args = args.iter().map(ToString::to_string).collect::<Vec<_>>();
                *e = named_call("array_sort_by", &args.join(", "))?;
            }
        }
        Expr::Function(_) if matches!(call(e), Some((name, args)) if name == "forall" && args.len() == 2) => {
            if let Some((_, args)) = call(e)
                && let [array, Expr::Lambda(lambda)] = args.as_slice()
            {
                let mut negated = lambda.clone();
                negated.body = Box::new(Expr::UnaryOp {
                    op: UnaryOperator::Not,
                    expr: Box::new(Expr::Nested(negated.body)),
                });
                *e = parse_expr(&format!("NOT any_match({array}, {negated})"))?;
            }
        }
        // Spark's `regr_count(y, x)` is a BIGINT count of the rows where both are set
        // (DataFusion's is an unsigned 64-bit integer); a window or FILTER clause is kept.
        // (`regr_count(DISTINCT ...)` is left to DataFusion: the rewrite would count every row.)
        Expr::Function(f)
            if matches!(&f.args, FunctionArguments::List(l)
                if l.duplicate_treatment.is_none() && l.clauses.is_empty())
                && matches!(call(e), Some((name, args)) if name == "regr_count" && args.len() == 2) =>
        {
            if let Some((_, args)) = call(e)
                && let [y, x] = args.as_slice()
                && let Expr::Function(counted) = parse_expr(&format!(
                    "count(CASE WHEN ({y}) IS NOT NULL AND ({x}) IS NOT NULL THEN 1 END)"
                ))?
                && let Expr::Function(f) = e
            {
                f.name = counted.name;
                f.args = counted.args;
            }
        }
        // Spark 4's `listagg(x[, delimiter]) [WITHIN GROUP (ORDER BY ...)]` is DataFusion's
        // `string_agg(x, delimiter ORDER BY ...)`; no delimiter (or NULL) joins with nothing.
        // Spark's `string_agg` is `listagg` (DataFusion's takes neither one argument nor WITHIN
        // GROUP).
        Expr::Function(_)
            if matches!(call(e), Some((name, args))
                if matches!(args.len(), 1 | 2)
                    && (name == "listagg"
                        || (name == "string_agg"
                            && (args.len() == 1
                                || matches!(&*e, Expr::Function(f) if !f.within_group.is_empty()))))) =>
        {
            if let Some(text) = listagg_as_string_agg(e) {
                *e = parse_expr(&text)?;
            }
        }
        Expr::Function(f) => {
            let distinct = matches!(&f.args, FunctionArguments::List(l)
                if l.duplicate_treatment == Some(DuplicateTreatment::Distinct));
            if distinct
                && let Some((name, args)) = call(e)
                && name == "count"
                && args.len() > 1
            {
                let not_null = args
                    .iter()
                    .map(|a| format!("({a}) IS NOT NULL"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let fields = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| format!("'c{i}', {a}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                *e = parse_expr(&format!(
                    "count(DISTINCT CASE WHEN {not_null} THEN named_struct({fields}) END)"
                ))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Spark 4's `listagg(x[, delimiter]) [WITHIN GROUP (ORDER BY ...)]` as DataFusion's
/// `string_agg(x, delimiter ORDER BY ...)` (SQL text); no delimiter (or NULL) joins with
/// nothing. `None` for a windowed call, left as it is.
fn listagg_as_string_agg(e: &Expr) -> Option<String> {
    let Expr::Function(f) = e else {
        return None;
    };
    if f.over.is_some() {
        return None;
    }
    let (_, args) = call(e)?;
    let distinct = matches!(&f.args, FunctionArguments::List(l)
        if l.duplicate_treatment == Some(DuplicateTreatment::Distinct));
    let delimiter = match args.get(1) {
        None
        | Some(Expr::Value(ValueWithSpan {
            value: Value::Null, ..
        })) => "''".to_owned(),
        Some(d) => d.to_string(),
    };
    let order = if f.within_group.is_empty() {
        String::new()
    } else {
        let keys: Vec<String> = f.within_group.iter().map(ToString::to_string).collect();
        format!(" ORDER BY {}", keys.join(", "))
    };
    let filter = f
        .filter
        .as_ref()
        .map(|c| format!(" FILTER (WHERE {c})"))
        .unwrap_or_default();
    Some(format!(
        "string_agg({}{}, {delimiter}{order}){filter}",
        if distinct { "DISTINCT " } else { "" },
        args.first()?
    ))
}

/// A visitor calling a closure on every expression after its children.
struct ExprFn<F>(F);

impl<F: FnMut(&mut Expr) -> DfResult<()>> VisitorMut for ExprFn<F> {
    type Break = DataFusionError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<Self::Break> {
        match (self.0)(expr) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }
}

/// The columns of each `PIVOT` input, keyed by the input's SQL text.
pub(crate) type PivotColumns = HashMap<String, Vec<String>>;

/// The SQL text of every `PIVOT`'s input; the caller plans `SELECT * FROM <input>` for each and
/// passes their column names to [`rewrite`].
pub(crate) fn pivot_inputs(statement: &mut DFStatement) -> Vec<String> {
    struct Collect(Vec<String>);
    impl VisitorMut for Collect {
        type Break = ();
        fn pre_visit_table_factor(&mut self, t: &mut TableFactor) -> ControlFlow<()> {
            if let TableFactor::Pivot { table, .. } | TableFactor::Unpivot { table, .. } = t {
                self.0.push(table.to_string());
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect(Vec::new());
    if let Some(s) = crate::planning::sql_statement_mut(statement) {
        let _ = s.visit(&mut collect);
    }
    collect.0
}

/// Identifiers (last part, lower case) used in `expr`.
fn identifiers(expr: &Expr) -> Vec<String> {
    let mut expr = expr.clone();
    let mut found = Vec::new();
    let _ = expr.visit(&mut ExprFn(|e: &mut Expr| {
        match e {
            Expr::Identifier(i) => found.push(i.value.to_lowercase()),
            Expr::CompoundIdentifier(parts) => {
                if let Some(i) = parts.last() {
                    found.push(i.value.to_lowercase());
                }
            }
            _ => {}
        }
        Ok(())
    }));
    found
}

/// `key` is the input's text before the rewrites of its insides, which [`pivot_inputs`] saw.
fn rewrite_pivot(t: &mut TableFactor, columns: &PivotColumns, key: &str) -> DfResult<()> {
    let TableFactor::Pivot {
        table,
        aggregate_functions,
        value_column,
        value_source,
        default_on_null,
        alias,
    } = t
    else {
        return Ok(());
    };
    let [value_column] = value_column.as_slice() else {
        return Err(plan_err(
            "PIVOT over more than one column is not supported".to_owned(),
        ));
    };
    let PivotValueSource::List(values) = value_source else {
        return Err(plan_err("PIVOT takes a list of values".to_owned()));
    };
    let input = table.to_string();
    let all = columns.get(key).ok_or_else(|| {
        plan_err(format!(
            "the columns of the PIVOT input {input} are unknown"
        ))
    })?;
    let mut used = identifiers(value_column);
    for a in aggregate_functions.iter() {
        used.extend(identifiers(&a.expr));
    }
    let group: Vec<String> = all
        .iter()
        .filter(|c| !used.contains(&c.to_lowercase()))
        .map(|c| quoted(c))
        .collect();
    let mut items = group.clone();
    for v in values.iter() {
        let value_name = v.alias.as_ref().map_or_else(
            || match &v.expr {
                Expr::Value(ValueWithSpan {
                    value: Value::SingleQuotedString(s) | Value::DoubleQuotedString(s),
                    ..
                }) => s.clone(),
                other => other.to_string(),
            },
            |a| a.value.clone(),
        );
        let matches = format!("{value_column} = {}", v.expr);
        for a in aggregate_functions.iter() {
            let Expr::Function(f) = &a.expr else {
                return Err(plan_err(format!(
                    "PIVOT takes aggregate function calls, got {}",
                    a.expr
                )));
            };
            let mut filtered = f.clone();
            filtered.filter = Some(Box::new(parse_expr(&matches)?));
            let mut value = format!(
                "CASE WHEN count(1) FILTER (WHERE {matches}) = 0 THEN NULL ELSE {filtered} END"
            );
            if let Some(default) = default_on_null {
                value = format!("coalesce({value}, {default})");
            }
            let name = match (&a.alias, aggregate_functions.len()) {
                (Some(agg), n) if n > 1 => format!("{value_name}_{}", agg.value),
                (None, n) if n > 1 => format!("{value_name}_{}", a.expr),
                _ => value_name.clone(),
            };
            items.push(format!("{value} AS {}", quoted(&name)));
        }
    }
    let group_by = if group.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", group.join(", "))
    };
    let subquery = parse_select(&format!(
        "SELECT {} FROM {input}{group_by}",
        items.join(", ")
    ))?;
    *t = TableFactor::Derived {
        lateral: false,
        subquery,
        alias: alias.take(),
        sample: None,
    };
    Ok(())
}

/// `input UNPIVOT [INCLUDE|EXCLUDE NULLS] (value FOR name IN (c1 [AS l1], ...))`: one
/// `UNION ALL` branch per unpivoted column, each with the input's other columns, the column's
/// label as `name` and its value as `value`; without `INCLUDE NULLS` rows whose value is `NULL`
/// are left out, as in Spark.
fn rewrite_unpivot(t: &mut TableFactor, columns: &PivotColumns, key: &str) -> DfResult<()> {
    let TableFactor::Unpivot {
        table,
        value,
        name,
        columns: unpivoted,
        null_inclusion,
        alias,
    } = t
    else {
        return Ok(());
    };
    let Expr::Identifier(value) = value else {
        return Err(plan_err(format!(
            "UNPIVOT into more than one value column ({value}) is not supported by Ember"
        )));
    };
    let input = table.to_string();
    let all = columns.get(key).ok_or_else(|| {
        plan_err(format!(
            "the columns of the UNPIVOT input {input} are unknown"
        ))
    })?;
    let mut used = Vec::new();
    let mut labelled = Vec::new();
    for c in unpivoted.iter() {
        let Expr::Identifier(column) = &c.expr else {
            return Err(plan_err(format!(
                "UNPIVOT takes columns of its input, got {}",
                c.expr
            )));
        };
        used.push(column.value.to_lowercase());
        let label = c.alias.as_ref().unwrap_or(column).value.replace('\'', "''");
        labelled.push((label, column.clone()));
    }
    let others: Vec<String> = all
        .iter()
        .filter(|c| !used.contains(&c.to_lowercase()))
        .map(|c| quoted(c))
        .collect();
    let keep_nulls = matches!(null_inclusion, Some(NullInclusion::IncludeNulls));
    let branches: Vec<String> = labelled
        .iter()
        .map(|(label, column)| {
            let mut items = others.clone();
            items.push(format!("'{label}' AS {name}"));
            items.push(format!("{column} AS {value}"));
            let filter = if keep_nulls {
                String::new()
            } else {
                format!(" WHERE {column} IS NOT NULL")
            };
            format!("SELECT {} FROM {input}{filter}", items.join(", "))
        })
        .collect();
    let subquery = parse_select(&branches.join(" UNION ALL "))?;
    *t = TableFactor::Derived {
        lateral: false,
        subquery,
        alias: alias.take(),
        sample: None,
    };
    Ok(())
}

struct Rewriter<'a> {
    pivots: &'a PivotColumns,
    /// The `LATERAL VIEW` names of the select just rewritten, for its query's `ORDER BY`.
    lateral_views: Vec<String>,
    /// The text of each `PIVOT`/`UNPIVOT` input being visited, before its insides are
    /// rewritten: the key of its columns in `pivots`.
    pivot_keys: Vec<String>,
}

impl VisitorMut for Rewriter<'_> {
    type Break = DataFusionError;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<Self::Break> {
        match rewrite_expr(expr) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<Self::Break> {
        match rewrite_row_in(select).and_then(|()| rewrite_subquery_values(select)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn post_visit_select(&mut self, select: &mut Select) -> ControlFlow<Self::Break> {
        let result = (|| {
            rewrite_using_keys(select)?;
            semi_and_anti_joins(select);
            let columns = rewrite_group_by(select);
            rewrite_grouping(select, &columns)?;
            rewrite_time_window(select)?;
            rewrite_generators(select)?;
            rewrite_lateral_views(select)
        })();
        match result {
            Ok(names) => {
                self.lateral_views = names;
                ControlFlow::Continue(())
            }
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn post_visit_query(
        &mut self,
        query: &mut datafusion::sql::sqlparser::ast::Query,
    ) -> ControlFlow<Self::Break> {
        let names = std::mem::take(&mut self.lateral_views);
        if matches!(*query.body, SetExpr::Select(_)) {
            unqualify(&mut query.order_by, &names);
        }
        set_synonyms(&mut query.body);
        if let Err(e) = sort_by_as_order_by(query) {
            return ControlFlow::Break(e);
        }
        order_by_all(query);
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &mut TableFactor) -> ControlFlow<Self::Break> {
        if let Some(derived) = generator_table(t) {
            *t = derived;
        }
        if let TableFactor::Pivot { table, .. } | TableFactor::Unpivot { table, .. } = t {
            self.pivot_keys.push(table.to_string());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, t: &mut TableFactor) -> ControlFlow<Self::Break> {
        let key = match t {
            TableFactor::Pivot { .. } | TableFactor::Unpivot { .. } => {
                self.pivot_keys.pop().unwrap_or_default()
            }
            _ => String::new(),
        };
        match rewrite_identifier_table(t)
            .and_then(|()| rewrite_pivot(t, self.pivots, &key))
            .and_then(|()| rewrite_unpivot(t, self.pivots, &key))
            .and_then(|()| rewrite_tablesample(t))
            .and_then(|()| name_values_columns(t))
        {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }
}

/// Spark's generators (which a `FROM` clause may also call as table-valued functions).
pub(crate) const GENERATORS: [&str; 8] = [
    "explode",
    "explode_outer",
    "posexplode",
    "posexplode_outer",
    "inline",
    "inline_outer",
    "stack",
    "json_tuple",
];

/// `FROM explode(array(1, 2)) [AS t(x)]` (a generator called as a table-valued function) as
/// the derived table `(SELECT explode(array(1, 2))) [AS t(x)]`, whose generator the `SELECT`
/// rewrites then plan, its columns named as Spark names them (`col`, `pos`, `c0`, ...).
/// `None` for any other table factor.
fn generator_table(t: &TableFactor) -> Option<TableFactor> {
    let TableFactor::Table {
        name,
        args: Some(args),
        alias,
        ..
    } = t
    else {
        return None;
    };
    let [ObjectNamePart::Identifier(function)] = name.0.as_slice() else {
        return None;
    };
    let function = function.value.to_ascii_lowercase();
    if !GENERATORS.contains(&function.as_str()) {
        return None;
    }
    let args: Vec<String> = args.args.iter().map(ToString::to_string).collect();
    let subquery = parse_select(&format!("SELECT {function}({})", args.join(", "))).ok()?;
    Some(TableFactor::Derived {
        lateral: false,
        subquery,
        alias: alias.clone(),
        sample: None,
    })
}

/// Spark's synonyms in a set expression: `MINUS [ALL]` is `EXCEPT [ALL]`, and the query `TABLE
/// t` is `SELECT * FROM t` (DataFusion refuses it: "Query TABLE t not implemented yet").
fn set_synonyms(body: &mut SetExpr) {
    match body {
        SetExpr::SetOperation {
            op, left, right, ..
        } => {
            if *op == SetOperator::Minus {
                *op = SetOperator::Except;
            }
            set_synonyms(left);
            set_synonyms(right);
        }
        SetExpr::Table(table) => {
            if let Some(select) = select_all_from(table) {
                *body = select;
            }
        }
        _ => {}
    }
}

/// `SELECT * FROM <table>` for the query `TABLE <table>`.
fn select_all_from(table: &datafusion::sql::sqlparser::ast::Table) -> Option<SetExpr> {
    let quoted = |name: &str| Ident::with_quote('`', name).to_string();
    let name = match &table.schema_name {
        Some(schema) => format!(
            "{}.{}",
            quoted(schema),
            quoted(table.table_name.as_deref()?)
        ),
        None => quoted(table.table_name.as_deref()?),
    };
    parse_select(&format!("SELECT * FROM {name}"))
        .ok()
        .map(|query| *query.body)
}

/// Hive's `SORT BY`, `CLUSTER BY` and `DISTRIBUTE BY` (see the module docs).
fn sort_by_as_order_by(query: &mut Query) -> DfResult<()> {
    let SetExpr::Select(select) = query.body.as_mut() else {
        return Ok(());
    };
    select.distribute_by.clear();
    let sort_by = std::mem::take(&mut select.sort_by);
    let cluster_by = std::mem::take(&mut select.cluster_by);
    if !sort_by.is_empty() && !cluster_by.is_empty() {
        return Err(plan_err(
            "CLUSTER BY cannot be combined with SORT BY (it is DISTRIBUTE BY and SORT BY)"
                .to_owned(),
        ));
    }
    let keys: Vec<OrderByExpr> = if cluster_by.is_empty() {
        sort_by
    } else {
        cluster_by
            .into_iter()
            .map(|expr| OrderByExpr {
                expr,
                options: OrderByOptions {
                    asc: None,
                    nulls_first: None,
                },
                with_fill: None,
            })
            .collect()
    };
    if !keys.is_empty() && query.order_by.is_some() {
        return Err(plan_err(
            "SORT BY or CLUSTER BY cannot be combined with ORDER BY".to_owned(),
        ));
    }
    if !keys.is_empty() {
        query.order_by = Some(OrderBy {
            kind: OrderByKind::Expressions(keys),
            interpolate: None,
        });
    }
    Ok(())
}

/// `ORDER BY ALL [ASC|DESC] [NULLS ...]`: by each column of the select list in turn, unless the
/// list has a `*` (columns not known here) or a column named `all` (which it then means).
fn order_by_all(query: &mut Query) {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return;
    };
    let Some(OrderBy {
        kind: OrderByKind::Expressions(keys),
        ..
    }) = &mut query.order_by
    else {
        return;
    };
    let [
        OrderByExpr {
            expr: Expr::Identifier(all),
            options,
            with_fill: None,
        },
    ] = keys.as_slice()
    else {
        return;
    };
    if all.quote_style.is_some() || !all.value.eq_ignore_ascii_case("all") {
        return;
    }
    let names_all = |item: &SelectItem| match item {
        SelectItem::ExprWithAlias { alias, .. } => alias.value.eq_ignore_ascii_case("all"),
        SelectItem::UnnamedExpr(Expr::Identifier(i)) => i.value.eq_ignore_ascii_case("all"),
        SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => parts
            .last()
            .is_some_and(|i| i.value.eq_ignore_ascii_case("all")),
        SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAliases { .. } => false,
        SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => true,
    };
    if select.projection.iter().any(names_all) {
        return;
    }
    let options = *options;
    *keys = (1..=select.projection.len())
        .map(|i| OrderByExpr {
            expr: Expr::Value(ValueWithSpan::from(Value::Number(i.to_string(), false))),
            options,
            with_fill: None,
        })
        .collect();
}

/// `FROM VALUES (...), ...` without column names (no alias, or `AS t`): Spark names its
/// columns `col1`, `col2`, ... (DataFusion's are `column1`, ...).
fn name_values_columns(t: &mut TableFactor) -> DfResult<()> {
    let TableFactor::Derived {
        subquery, alias, ..
    } = t
    else {
        return Ok(());
    };
    // With column names of its own there is nothing to name.
    if alias.as_ref().is_some_and(|a| !a.columns.is_empty()) {
        return Ok(());
    }
    let SetExpr::Values(values) = subquery.body.as_ref() else {
        return Ok(());
    };
    let Some(width) = values.rows.first().map(|row| row.content.len()) else {
        return Ok(());
    };
    let columns: Vec<String> = (1..=width).map(|i| format!("col{i}")).collect();
    let name = alias
        .as_ref()
        .map_or_else(|| unique_alias("__values"), |a| a.name.to_string());
    let query = parse_select(&format!(
        "SELECT * FROM (VALUES (1)) AS {name}({})",
        columns.join(", ")
    ))?;
    if let SetExpr::Select(select) = *query.body
        && let Some(from) = select.from.into_iter().next()
        && let TableFactor::Derived { alias: named, .. } = from.relation
    {
        *alias = named;
    }
    Ok(())
}

/// A name for a derived table the user left unnamed, different for each (two unnamed ones in
/// one `FROM` must not share a name).
fn unique_alias(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}_{n}")
}

/// A table alias as it follows a table (`x` or `x(a, b)`), without its `AS`.
fn alias_text(mut alias: datafusion::sql::sqlparser::ast::TableAlias) -> String {
    alias.explicit = false;
    alias.to_string()
}

/// `t TABLESAMPLE (...)` as a derived table under `t`'s name (see the module docs); a derived
/// table's sample likewise, under its alias.
fn rewrite_tablesample(t: &mut TableFactor) -> DfResult<()> {
    let (kind, under) = match t {
        TableFactor::Table {
            name,
            alias,
            sample,
            ..
        } => {
            let Some(kind) = sample.take() else {
                return Ok(());
            };
            let under = match alias.take() {
                Some(a) => alias_text(a),
                None => name
                    .0
                    .last()
                    .map_or_else(|| name.to_string(), ToString::to_string),
            };
            (kind, under)
        }
        TableFactor::Derived {
            alias,
            sample,
            lateral,
            ..
        } => {
            let Some(kind) = sample.take() else {
                return Ok(());
            };
            if *lateral {
                return Err(plan_err(
                    "TABLESAMPLE of a LATERAL subquery is not supported by Ember".to_owned(),
                ));
            }
            let under = alias
                .take()
                .map_or_else(|| unique_alias("__sampled"), alias_text);
            (kind, under)
        }
        _ => return Ok(()),
    };
    // The table (table function call, subquery) itself, without its alias and sample.
    let table = t.to_string();
    let (TableSampleKind::BeforeTableAlias(s) | TableSampleKind::AfterTableAlias(s)) = kind;
    if s.bucket.is_some() {
        return Err(plan_err(
            "TABLESAMPLE (BUCKET x OUT OF y) is not supported by Ember; sample with TABLESAMPLE (n ROWS) or (p PERCENT)"
                .to_owned(),
        ));
    }
    if s.seed.is_some() || s.offset.is_some() || s.name.is_some() {
        return Err(plan_err(format!(
            "TABLESAMPLE {s} is not supported by Ember; sample with TABLESAMPLE (n ROWS) or (p PERCENT)"
        )));
    }
    let clause = match &s.quantity {
        Some(TableSampleQuantity {
            value,
            unit: Some(TableSampleUnit::Rows),
            ..
        }) => format!("LIMIT {value}"),
        Some(TableSampleQuantity {
            value,
            unit: Some(TableSampleUnit::Percent),
            ..
        }) => {
            let percent = match value {
                Expr::Value(ValueWithSpan {
                    value: Value::Number(n, _),
                    ..
                }) => n.parse::<f64>().ok(),
                _ => None,
            };
            match percent {
                Some(p) if (0.0..=100.0).contains(&p) => format!("WHERE rand() * 100 < {value}"),
                _ => {
                    return Err(plan_err(format!(
                        "TABLESAMPLE ({value} PERCENT): the percentage must be a number from 0 \
                         to 100"
                    )));
                }
            }
        }
        _ => {
            return Err(plan_err(format!(
                "TABLESAMPLE {s} is not supported by Ember; sample with TABLESAMPLE (n ROWS) or (p PERCENT)"
            )));
        }
    };
    let query = parse_select(&format!(
        "SELECT * FROM (SELECT * FROM {table} {clause}) AS {under}"
    ))?;
    if let SetExpr::Select(select) = *query.body
        && let Some(from) = select.from.into_iter().next()
    {
        *t = from.relation;
    }
    Ok(())
}

/// Applies every rewrite of the module docs to `statement`; `pivots` holds the columns of each
/// `PIVOT` input (see [`pivot_inputs`]).
pub(crate) fn rewrite(statement: &mut DFStatement, pivots: &PivotColumns) -> DfResult<()> {
    if let Some(s) = crate::planning::sql_statement_mut(statement) {
        crate::ctes::unshadow_ctes(s);
    }
    if let Some(s) = crate::planning::sql_statement_mut(statement)
        && let ControlFlow::Break(e) = s.visit(&mut Rewriter {
            pivots,
            lateral_views: Vec::new(),
            pivot_keys: Vec::new(),
        })
    {
        return Err(e);
    }
    Ok(())
}

/// `exists(array, x -> ...)` as `any_match(array, x -> ...)` in the SQL text: the parser takes
/// `EXISTS (` for a subquery, so the call is renamed before parsing. Only an `EXISTS` followed by
/// `(` and then neither `SELECT`, `WITH`, `VALUES` nor another `(` is renamed; a text that does
/// not tokenize is returned unchanged (the parser reports it).
pub(crate) fn rename_exists_calls(sql: &str) -> std::borrow::Cow<'_, str> {
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

    // Most queries never name `exists`: no need to tokenize them a second time.
    if !sql
        .as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"exists"))
    {
        return sql.into();
    }
    let Ok(tokens) = Tokenizer::new(
        &datafusion::sql::sqlparser::dialect::SparkSqlDialect {},
        sql,
    )
    .tokenize_with_location() else {
        return sql.into();
    };
    let significant: Vec<_> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let mut starts = Vec::new();
    for w in significant.windows(3) {
        let is_call = matches!(&w[0].token, Token::Word(word) if word.keyword == Keyword::EXISTS)
            && w[1].token == Token::LParen
            && !matches!(&w[2].token, Token::LParen)
            && !matches!(&w[2].token, Token::Word(word)
                if matches!(word.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES));
        if is_call {
            starts.push(w[0].span.start);
        }
    }
    if starts.is_empty() {
        return sql.into();
    }
    // Line and column (1-based, in characters) to byte offsets, in one pass over the text (the
    // starts come in text order): a search from the start of the line for each call was
    // quadratic in a long one-line query (issue 16).
    let mut offsets = Vec::with_capacity(starts.len());
    let mut wanted = starts.iter().peekable();
    let (mut line, mut column) = (1u64, 1u64);
    for (at, c) in sql.char_indices() {
        while let Some(loc) = wanted.peek() {
            if (loc.line, loc.column) < (line, column) {
                wanted.next();
            } else {
                break;
            }
        }
        match wanted.peek() {
            Some(loc) if (loc.line, loc.column) == (line, column) => {
                offsets.push(at);
                wanted.next();
            }
            Some(_) => {}
            None => break,
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    // The text with each call renamed, copied once.
    let mut out = String::with_capacity(sql.len() + 3 * offsets.len());
    let mut copied = 0;
    for at in offsets {
        if sql
            .get(at..at + 6)
            .is_some_and(|w| w.eq_ignore_ascii_case("exists"))
        {
            out.push_str(&sql[copied..at]);
            out.push_str("any_match");
            copied = at + 6;
        }
    }
    out.push_str(&sql[copied..]);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::rename_exists_calls;

    #[test]
    fn exists_calls_but_not_subqueries_are_renamed() {
        assert_eq!(
            rename_exists_calls("SELECT exists(array(1), x -> x > 0)"),
            "SELECT any_match(array(1), x -> x > 0)"
        );
        let subquery = "SELECT 1 WHERE EXISTS (SELECT 1) AND 'exists(' = 'x'";
        assert_eq!(rename_exists_calls(subquery), subquery);
        // Several per line, on several lines, after multi-byte characters.
        assert_eq!(
            rename_exists_calls(
                "SELECT 'é', exists(a, x -> x), EXISTS(b, y -> y),\n  exists(c, z -> z)"
            ),
            "SELECT 'é', any_match(a, x -> x), any_match(b, y -> y),\n  any_match(c, z -> z)"
        );
    }
}
