//! Spark's names for the result columns a query does not name.
//!
//! DataFusion names an unaliased select item after its logical expression (`Int64(1)`,
//! `sum(lineitem.l_quantity)`, `upper(Utf8("a"))`); Spark after the expression as its SQL
//! prints it without qualifiers or implicit casts (`1`, `sum(l_quantity)`, `upper(a)`). Before
//! the statement is planned (and before Ember's other rewrites change what the user wrote), each
//! unaliased select item of every `SELECT` gets Spark's name as an alias:
//!
//! - columns keep their names; a struct field (`s.a`, not `t.a` of a table `t` in `FROM`) is
//!   named after the field, as in Spark;
//! - literals are named by their value: `1`, `1L` and `1Y` are `1`, `2.50` is `2.50`, `1e2` and
//!   `2.5D` are `100.0` and `2.5` (Java's double text), `'a'` is `a`, `DATE '2024-01-01'` keeps
//!   its keyword, `NULL`, `true`;
//! - operators print in parentheses, as Spark's `(a + 1)`, `(a = 1)`, `(NOT (a = 1))` for `a != 1`,
//!   `(a IS NULL)`, `(a IN (1, 2))`, `(- a)`; `a || b` is `concat(a, b)`;
//! - calls print their name in lower case and their arguments' names (`count(*)` is `count(1)`,
//!   `count(DISTINCT a)`), with the defaults Spark fills in and shows (`round(x, 0)`,
//!   `split(s, ',', -1)`: the `DEFAULTS` table), in capitals where Spark's math expressions name
//!   themselves so (`SQRT(x)`); `CAST(a AS INT)`, but a cast of a column keeps the column's name;
//!   `CASE WHEN (a > 1) THEN x ELSE y END`, `a[0]`;
//! - window functions print their window as Spark completes it (`sum(v) OVER (ORDER BY id ASC
//!   NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`), aggregates their `FILTER`
//!   and `WITHIN GROUP`, lambdas Spark's `lambdafunction(..., namedlambdavariable())`;
//! - a query that is a `VALUES` list names its columns `col1`, `col2`, ...
//! - `s.*` of a struct column in the outermost `SELECT` is its fields, named after them
//!   ([`probe_struct_stars`] learns them from a plan of the struct, [`expand_struct_stars`]
//!   writes them out).
//!
//! A subquery is named `scalarsubquery(c)`, `exists(c)` or `(x IN (listquery(c)))` of the outer
//! columns it reads, where the text shows them qualified. What Ember cannot name from the text
//! alone keeps DataFusion's name: casts Spark adds by type, `inline`'s columns.
//! So does an item of a subquery whose name would repeat another item's in the same `SELECT`
//! (DataFusion refuses two columns of one name, Spark allows them). In the outermost `SELECT`
//! they take Spark's names: where names repeat ([`result_names_repeat`], or planning finds a
//! repeat such as `SELECT id, *`), [`alias_result_columns`] gives its items temporary names
//! and the planner names the result's columns back, repeats included. How often the names agree with Spark's,
//! measured on the conformance suite: `docs/spark-compat.md`.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    AccessExpr, BinaryOperator, CastKind, CeilFloorKind, DataType, DateTimeField,
    DuplicateTreatment, ExactNumberInfo, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, NamedWindowDefinition, NamedWindowExpr, OneOrManyWithParens,
    OrderByExpr, OrderByKind, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
    Statement, Subscript, TableFactor, TrimWhereField, UnaryOperator, Value, VisitMut, VisitorMut,
    WindowFrameBound, WindowFrameUnits, WindowSpec, WindowType,
};

use crate::functions::json::{java_double, java_float};

/// Generators and time windows: `shapes.rs` names their columns, as Spark does.
fn named_by_rewrites(function: &str) -> bool {
    crate::shapes::GENERATORS.contains(&function) || matches!(function, "window" | "session_window")
}

/// Gives every unaliased select item of `statement` Spark's name (see the module docs).
///
/// `lateral` are the names that refer to an earlier item of their `SELECT` (a lateral column
/// alias, which `shapes::lateral_column_aliases` then replaces): Spark names a reference to
/// one `lateralAliasReference(a)`.
pub(crate) fn name_columns(statement: &mut DFStatement, lateral: &HashSet<String>) {
    struct Namer<'a>(&'a HashSet<String>);
    impl VisitorMut for Namer<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
            name_body(&mut query.body, self.0);
            ControlFlow::Continue(())
        }
    }
    if let Some(sql) = crate::planning::sql_statement_mut(statement) {
        if let Statement::Query(query) = sql {
            name_values(query);
        }
        let _ = sql.visit(&mut Namer(lateral));
    }
}

/// The temporary aliases [`alias_result_columns`] gives: this prefix and the item's position.
pub(crate) const RESULT_COLUMN_PREFIX: &str = "__ember_result_column_";

/// For a query whose result repeats a column name (`SELECT 1 AS a, 2 AS a`, `SELECT id, * FROM
/// t`, `SELECT 1, 1L`), which DataFusion's projection refuses and Spark answers: gives every
/// named item of the outermost `SELECT` a unique temporary alias, and returns the pairs
/// (temporary alias, Spark's name) for the planner to name the result's columns back
/// ([`crate::session`]'s `restore_result_names`). `ORDER BY` keys that name one item follow
/// it. Other statements (views, `EXPLAIN`) and set operations are left alone: Spark refuses a
/// view of two columns of one name, and the caller gets DataFusion's refusal.
pub(crate) fn alias_result_columns(statement: &mut DFStatement) -> Vec<(String, String)> {
    let DFStatement::Statement(sql) = statement else {
        return Vec::new();
    };
    let Statement::Query(query) = sql.as_mut() else {
        return Vec::new();
    };
    let SetExpr::Select(select) = query.body.as_mut() else {
        return Vec::new();
    };
    let relations = relation_names(select);
    let select: &mut Select = select;
    let windows = named_windows(&select.named_window);
    let ctx = Ctx::new(&relations, &windows);
    let mut renamed = Vec::new();
    for (i, item) in select.projection.iter_mut().enumerate() {
        // An item Ember cannot name from the text (not a generator, which `shapes.rs` names)
        // is named after what was written: DataFusion's names of two alike items are alike.
        let name = match (item_name(item, &ctx), &*item) {
            (Some((_, name)), _) => name,
            (None, SelectItem::UnnamedExpr(e))
                if !call_name(e).is_some_and(|n| named_by_rewrites(&n)) =>
            {
                e.to_string()
            }
            (None, _) => continue,
        };
        let expr = match item {
            SelectItem::ExprWithAlias { expr, .. } | SelectItem::UnnamedExpr(expr) => expr.clone(),
            _ => continue,
        };
        let temporary = format!("{RESULT_COLUMN_PREFIX}{i}");
        *item = SelectItem::ExprWithAlias {
            expr,
            alias: Ident::with_quote('`', temporary.clone()),
        };
        renamed.push((temporary, name));
    }
    if let Some(OrderByKind::Expressions(keys)) = query.order_by.as_mut().map(|o| &mut o.kind) {
        // Each name's item, if only one item has it.
        let mut by_name: HashMap<String, Option<&str>> = HashMap::new();
        for (temporary, name) in &renamed {
            by_name
                .entry(name.to_lowercase())
                .and_modify(|t| *t = None)
                .or_insert(Some(temporary));
        }
        for key in keys {
            let Expr::Identifier(id) = &key.expr else {
                continue;
            };
            if let Some(Some(temporary)) = by_name.get(&id.value.to_lowercase()) {
                key.expr = Expr::Identifier(Ident::with_quote('`', (*temporary).to_owned()));
            }
        }
    }
    renamed
}

/// The alias a probe gives a struct star's struct ([`probe_struct_stars`]): this prefix and the
/// item's position.
pub(crate) const STRUCT_STAR_PREFIX: &str = "__ember_struct_star_";

/// The outermost `SELECT` of a query statement.
fn outermost_select(statement: &mut DFStatement) -> Option<&mut Select> {
    let DFStatement::Statement(sql) = statement else {
        return None;
    };
    let Statement::Query(query) = sql.as_mut() else {
        return None;
    };
    match query.body.as_mut() {
        SetExpr::Select(select) => Some(select),
        _ => None,
    }
}

/// The struct of a `s.*` item whose qualifier is no relation of its `SELECT`'s `FROM` (Spark
/// expands a struct column's fields: `SELECT payload.* FROM events`, `t.s.*`; DataFusion
/// refuses the qualifier).
fn struct_star(item: &SelectItem, relations: &HashSet<String>) -> Option<Vec<Ident>> {
    let SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) = item
    else {
        return None;
    };
    let parts: Vec<Ident> = name
        .0
        .iter()
        .map(|p| p.as_ident().cloned())
        .collect::<Option<_>>()?;
    let last = parts.last()?;
    (!relations.contains(&last.value.to_lowercase())).then_some(parts)
}

/// Whether the outermost `SELECT` has a struct star (`s.*` of a struct column).
pub(crate) fn has_struct_stars(statement: &mut DFStatement) -> bool {
    outermost_select(statement).is_some_and(|select| {
        let relations = relation_names(select);
        select
            .projection
            .iter()
            .any(|item| struct_star(item, &relations).is_some())
    })
}

/// Replaces each struct star of the outermost `SELECT` (`s.*`) with its struct under a known
/// alias (`s AS __ember_struct_star_0`), to learn the struct's fields from a plan of the
/// statement.
pub(crate) fn probe_struct_stars(statement: &mut DFStatement) {
    let Some(select) = outermost_select(statement) else {
        return;
    };
    let relations = relation_names(select);
    for (i, item) in select.projection.iter_mut().enumerate() {
        if let Some(parts) = struct_star(item, &relations) {
            *item = SelectItem::ExprWithAlias {
                expr: compound(parts),
                alias: Ident::with_quote('`', format!("{STRUCT_STAR_PREFIX}{i}")),
            };
        }
    }
}

/// Expands each struct star of the outermost `SELECT` whose fields `fields` knows (by the
/// item's position) into one item per field, named after the field as Spark names them.
pub(crate) fn expand_struct_stars(
    statement: &mut DFStatement,
    fields: &HashMap<usize, Vec<String>>,
) {
    let Some(select) = outermost_select(statement) else {
        return;
    };
    let relations = relation_names(select);
    let items = std::mem::take(&mut select.projection);
    for (i, item) in items.into_iter().enumerate() {
        match (struct_star(&item, &relations), fields.get(&i)) {
            (Some(parts), Some(names)) => {
                select.projection.extend(names.iter().map(|name| {
                    let mut path = parts.clone();
                    path.push(Ident::with_quote('`', name.clone()));
                    SelectItem::ExprWithAlias {
                        expr: compound(path),
                        alias: Ident::with_quote('`', name.clone()),
                    }
                }));
            }
            _ => select.projection.push(item),
        }
    }
}

fn compound(mut parts: Vec<Ident>) -> Expr {
    if parts.len() == 1 {
        Expr::Identifier(parts.remove(0))
    } else {
        Expr::CompoundIdentifier(parts)
    }
}

/// A query that is a `VALUES` list names its columns `col1`, `col2`, ... as Spark (DataFusion:
/// `column1`, ...): it becomes `SELECT * FROM (VALUES ...) AS __ember_values(col1, ...)`.
fn name_values(query: &mut Query) {
    let SetExpr::Values(values) = query.body.as_ref() else {
        return;
    };
    let Some(width) = values
        .rows
        .first()
        .map(|r| r.content.len())
        .filter(|w| *w > 0)
    else {
        return;
    };
    let columns: Vec<String> = (1..=width).map(|i| format!("col{i}")).collect();
    let text = format!(
        "SELECT * FROM (VALUES (0)) AS __ember_values({})",
        columns.join(", ")
    );
    let Ok(mut wrapper) = crate::shapes::parse_select(&text) else {
        return;
    };
    let SetExpr::Select(select) = wrapper.body.as_mut() else {
        return;
    };
    let Some(TableFactor::Derived { subquery, .. }) =
        select.from.first_mut().map(|t| &mut t.relation)
    else {
        return;
    };
    std::mem::swap(&mut subquery.body, &mut query.body);
    std::mem::swap(&mut query.body, &mut wrapper.body);
}

/// A set operation's columns are named by its first branch.
fn name_body(body: &mut SetExpr, lateral: &HashSet<String>) {
    match body {
        SetExpr::Select(select) => name_select(select, lateral),
        SetExpr::SetOperation { left, .. } => name_body(left, lateral),
        _ => {}
    }
}

fn name_select(select: &mut Select, lateral: &HashSet<String>) {
    let relations = relation_names(select);
    let windows = named_windows(&select.named_window);
    let mut ctx = Ctx::new(&relations, &windows);
    ctx.lateral = Some(lateral);
    let names: Vec<Option<(bool, String)>> = select
        .projection
        .iter()
        .map(|item| item_name(item, &ctx))
        .collect();
    // DataFusion compares names without regard to case (its identifiers are lower-cased). An
    // alias, like a name given here, is unqualified; a column keeps its table's qualifier, so
    // it meets an alias only where its table has no name.
    let mut unqualified: HashMap<String, usize> = HashMap::new();
    let mut columns: HashSet<String> = HashSet::new();
    for (item, name) in select.projection.iter().zip(&names) {
        match (item, name) {
            (SelectItem::UnnamedExpr(_), Some((false, name))) => {
                columns.insert(name.to_lowercase());
            }
            (_, Some((_, name))) => *unqualified.entry(name.to_lowercase()).or_default() += 1,
            _ => {}
        }
    }
    let wildcard = select.projection.iter().any(|i| {
        matches!(
            i,
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
        )
    });
    let renames: Vec<Option<String>> = names
        .iter()
        .zip(&select.projection)
        .map(|(n, item)| {
            let (true, name) = n.as_ref()? else {
                return None;
            };
            let key = name.to_lowercase();
            let unique = unqualified.get(&key) == Some(&1);
            // Beside a projected column of that name (or `*`, which may bring one), or another
            // item of that name, DataFusion refuses the name Spark gives.
            let meets_column = columns.contains(&key) || wildcard && is_plain_identifier(name);
            match item {
                // A cast is then left to the repeated names' planning (`alias_result_columns`),
                // which gives it Spark's name, the column's, beside the column.
                SelectItem::UnnamedExpr(Expr::Cast { .. }) if meets_column || !unique => None,
                // A struct field's name keeps DataFusion's.
                _ => (unique && !meets_column).then(|| name.clone()),
            }
        })
        .collect();
    for (item, rename) in select.projection.iter_mut().zip(renames) {
        let (Some(name), SelectItem::UnnamedExpr(expr)) = (rename, &*item) else {
            continue;
        };
        *item = SelectItem::ExprWithAlias {
            expr: expr.clone(),
            alias: Ident::with_quote('`', name),
        };
    }
}

/// A select item's Spark name: `Some(true, name)` for a new alias, `Some(false, name)` for one
/// that is already the item's; `None` where Ember cannot name it (or a rewrite will).
fn item_name(item: &SelectItem, ctx: &Ctx<'_>) -> Option<(bool, String)> {
    match item {
        SelectItem::ExprWithAlias { alias, .. } => Some((false, alias.value.clone())),
        SelectItem::UnnamedExpr(Expr::Identifier(i)) => Some((false, i.value.clone())),
        SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => {
            let last = parts.last()?.value.clone();
            // `t.a` of a table is already named `a`; `s.a` of a struct is not.
            Some((!is_qualified_column(parts, ctx.relations), last))
        }
        // A cast of a column keeps the column's name, as in Spark.
        SelectItem::UnnamedExpr(Expr::Cast { expr, .. }) if column_name(expr, ctx).is_some() => {
            column_name(expr, ctx).map(|n| (true, n))
        }
        SelectItem::UnnamedExpr(e) => {
            match call_name(e).as_deref() {
                // Spark names a time window's struct `window`.
                Some(n @ ("window" | "session_window")) => return Some((true, n.to_owned())),
                Some(n) if named_by_rewrites(n) => return None,
                _ => {}
            }
            spark_name(e, ctx).map(|n| (true, n))
        }
        _ => None,
    }
}

/// The outer columns a subquery reads, as Spark lists them in its names
/// (`scalarsubquery(c, ...)`, `exists(c)`, `listquery(c)`), as far as the text shows them:
/// qualified by a relation of the outer `SELECT` that the subquery does not name itself (an
/// unqualified outer column is not seen).
fn outer_columns(query: &Query, ctx: &Ctx<'_>) -> String {
    let inner = match query.body.as_ref() {
        SetExpr::Select(select) => relation_names(select),
        _ => HashSet::new(),
    };
    let mut outer: Vec<String> = Vec::new();
    let _ = datafusion::sql::sqlparser::ast::visit_expressions(query, |e| {
        if let Expr::CompoundIdentifier(parts) = e
            && let [relation, column] = parts.as_slice()
        {
            let relation = relation.value.to_lowercase();
            if ctx.relations.contains(&relation)
                && !inner.contains(&relation)
                && !outer.contains(&column.value)
            {
                outer.push(column.value.clone());
            }
        }
        ControlFlow::<()>::Continue(())
    });
    outer.join(", ")
}

/// Whether two items of the outermost `SELECT` have one Spark name (`SELECT hash(1Y),
/// hash(1S)`: both `hash(1)`), so the result needs [`alias_result_columns`].
pub(crate) fn result_names_repeat(statement: &mut DFStatement) -> bool {
    let Some(select) = outermost_select(statement) else {
        return false;
    };
    let relations = relation_names(select);
    let windows = named_windows(&select.named_window);
    let ctx = Ctx::new(&relations, &windows);
    let mut seen = HashSet::new();
    select
        .projection
        .iter()
        .filter_map(|item| item_name(item, &ctx))
        .any(|(_, name)| !seen.insert(name.to_lowercase()))
}

/// A `SELECT`'s named windows (`WINDOW w AS (...)`), by lower-cased name.
fn named_windows(named: &[NamedWindowDefinition]) -> HashMap<String, &WindowSpec> {
    named
        .iter()
        .filter_map(|NamedWindowDefinition(name, window)| match window {
            NamedWindowExpr::WindowSpec(spec) => Some((name.value.to_lowercase(), spec)),
            NamedWindowExpr::NamedWindow(_) => None,
        })
        .collect()
}

/// Whether `name` reads as a column name (`age`, `s_1`), not an expression's (`(a + 1)`).
fn is_plain_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The names that qualify columns in `select`: its tables' names (last part) and aliases.
fn relation_names(select: &Select) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut add = |factor: &TableFactor| match factor {
        TableFactor::Table { name, alias, .. } => {
            if let Some(last) = name.0.last().and_then(|p| p.as_ident()) {
                names.insert(last.value.to_lowercase());
            }
            if let Some(a) = alias {
                names.insert(a.name.value.to_lowercase());
            }
        }
        other => {
            if let Some(a) = table_alias(other) {
                names.insert(a.to_lowercase());
            }
        }
    };
    for table in &select.from {
        add(&table.relation);
        for join in &table.joins {
            add(&join.relation);
        }
    }
    for view in &select.lateral_views {
        names.insert(view.lateral_view_name.to_string().to_lowercase());
    }
    names
}

fn table_alias(factor: &TableFactor) -> Option<String> {
    match factor {
        TableFactor::Derived { alias, .. }
        | TableFactor::TableFunction { alias, .. }
        | TableFactor::Function { alias, .. }
        | TableFactor::UNNEST { alias, .. }
        | TableFactor::NestedJoin { alias, .. }
        | TableFactor::Pivot { alias, .. }
        | TableFactor::Unpivot { alias, .. } => alias.as_ref().map(|a| a.name.value.clone()),
        _ => None,
    }
}

fn is_qualified_column(parts: &[Ident], relations: &HashSet<String>) -> bool {
    // The relation names the column itself (`t.c`, `db.t.c`); `t.s.f` is a field of the
    // column `s`.
    parts.len() >= 2 && relations.contains(&parts[parts.len() - 2].value.to_lowercase())
}

/// The name of a column reference (not of a struct's field).
fn column_name(e: &Expr, ctx: &Ctx<'_>) -> Option<String> {
    match e {
        Expr::Identifier(i) if !ctx.is_param(i) => Some(i.value.clone()),
        Expr::CompoundIdentifier(parts) if is_qualified_column(parts, ctx.relations) => {
            parts.last().map(|p| p.value.clone())
        }
        _ => None,
    }
}

fn call_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Function(f) => Some(f.name.0.last()?.as_ident()?.value.to_lowercase()),
        Expr::Nested(inner) => call_name(inner),
        _ => None,
    }
}

/// What names in an expression refer to.
struct Ctx<'a> {
    /// The tables (and their aliases) of the `SELECT`.
    relations: &'a HashSet<String>,
    /// Its named windows (`WINDOW w AS (...)`).
    windows: &'a HashMap<String, &'a WindowSpec>,
    /// The parameters of the lambdas around the expression.
    params: Vec<String>,
    /// The names that refer to an earlier item of the `SELECT` ([`name_columns`]).
    lateral: Option<&'a HashSet<String>>,
}

impl<'a> Ctx<'a> {
    /// A `SELECT`'s context, outside any lambda.
    fn new(relations: &'a HashSet<String>, windows: &'a HashMap<String, &'a WindowSpec>) -> Self {
        Ctx {
            relations,
            windows,
            params: Vec::new(),
            lateral: None,
        }
    }

    fn is_lateral(&self, ident: &Ident) -> bool {
        self.lateral
            .is_some_and(|names| names.contains(&ident.value.to_lowercase()))
    }
}

impl Ctx<'_> {
    fn is_param(&self, ident: &Ident) -> bool {
        self.params
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&ident.value))
    }
}

/// Spark's name of `e`, or `None` where Ember does not know it.
fn spark_name(e: &Expr, ctx: &Ctx<'_>) -> Option<String> {
    let name = |e: &Expr| spark_name(e, ctx);
    Some(match e {
        // Spark names a lambda's variables all alike.
        Expr::Identifier(i) if ctx.is_param(i) => "namedlambdavariable()".into(),
        Expr::Identifier(i) if ctx.is_lateral(i) => format!("lateralAliasReference({})", i.value),
        Expr::Identifier(i) => i.value.clone(),
        Expr::CompoundIdentifier(parts) => {
            if ctx.is_param(&parts[0]) {
                let fields: Vec<&str> = parts[1..].iter().map(|p| p.value.as_str()).collect();
                return Some(format!("namedlambdavariable().{}", fields.join(".")));
            }
            // A table's qualifier is dropped; a struct's fields are joined with dots.
            let skip = usize::from(is_qualified_column(
                &parts[..2.min(parts.len())],
                ctx.relations,
            ));
            parts[skip..]
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>()
                .join(".")
        }
        Expr::Lambda(lambda) => {
            let params: Vec<String> = match &lambda.params {
                OneOrManyWithParens::One(p) => vec![p.name.value.clone()],
                OneOrManyWithParens::Many(ps) => ps.iter().map(|p| p.name.value.clone()).collect(),
            };
            let inner = Ctx {
                relations: ctx.relations,
                windows: ctx.windows,
                lateral: ctx.lateral,
                params: ctx
                    .params
                    .iter()
                    .cloned()
                    .chain(params.iter().cloned())
                    .collect(),
            };
            let body = spark_name(&lambda.body, &inner)?;
            let vars = vec!["namedlambdavariable()"; params.len()].join(", ");
            format!("lambdafunction({body}, {vars})")
        }
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let between = format!("between({}, {}, {})", name(expr)?, name(low)?, name(high)?);
            if *negated {
                format!("(NOT {between})")
            } else {
                between
            }
        }
        // Spark writes these tests as null-safe equalities.
        Expr::IsDistinctFrom(a, b) => format!("(NOT ({} <=> {}))", name(a)?, name(b)?),
        Expr::IsNotDistinctFrom(a, b) => format!("({} <=> {})", name(a)?, name(b)?),
        Expr::IsTrue(a) => format!("({} <=> true)", name(a)?),
        Expr::IsNotTrue(a) => format!("(NOT ({} <=> true))", name(a)?),
        Expr::IsFalse(a) => format!("({} <=> false)", name(a)?),
        Expr::IsNotFalse(a) => format!("(NOT ({} <=> false))", name(a)?),
        Expr::IsUnknown(a) => format!("({} IS NULL)", name(a)?),
        Expr::IsNotUnknown(a) => format!("({} IS NOT NULL)", name(a)?),
        Expr::Nested(inner) => name(inner)?,
        Expr::Value(v) => value_name(&v.value)?,
        Expr::TypedString(t) => {
            let keyword = match t.data_type {
                DataType::Date => "DATE",
                DataType::Timestamp(..) => "TIMESTAMP",
                DataType::TimestampNtz(_) => "TIMESTAMP_NTZ",
                _ => return None,
            };
            let text = match &t.value.value {
                Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s,
                _ => return None,
            };
            format!("{keyword} '{text}'")
        }
        Expr::UnaryOp { op, expr } => match (op, expr.as_ref()) {
            (UnaryOperator::Minus, Expr::Value(v)) if matches!(v.value, Value::Number(..)) => {
                let n = value_name(&v.value)?;
                n.strip_prefix('-')
                    .map_or_else(|| format!("-{n}"), str::to_owned)
            }
            (UnaryOperator::Minus, inner) => format!("(- {})", name(inner)?),
            (UnaryOperator::Plus, inner) => format!("(+ {})", name(inner)?),
            (UnaryOperator::Not, inner) => format!("(NOT {})", name(inner)?),
            (UnaryOperator::BitwiseNot, inner) => {
                format!("~{}", name(inner)?)
            }
            _ => return None,
        },
        Expr::BinaryOp { left, op, right } => {
            let (l, r) = (name(left)?, name(right)?);
            // A DATE literal plus or minus a whole number is Spark's `date_add`/`date_sub`.
            let date_literal = matches!(left.as_ref(),
                Expr::TypedString(t) if t.data_type == DataType::Date);
            let whole = matches!(right.as_ref(),
                Expr::Value(v) if matches!(&v.value, Value::Number(n, _) if !n.contains(['.', 'e', 'E'])));
            // A date or timestamp plus or minus an interval literal: Spark's name has no
            // parentheses (its `TimeAdd`/`DateAddInterval` print so).
            let datetime = |e: &Expr| match e {
                Expr::TypedString(t) => !matches!(t.data_type, DataType::Interval { .. }),
                Expr::Identifier(_) | Expr::CompoundIdentifier(_) => true,
                Expr::Function(f) => f
                    .name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .is_some_and(|i| !i.value.to_lowercase().contains("interval")),
                _ => false,
            };
            let interval = |e: &Expr| matches!(e, Expr::Interval(_));
            let shifted = match op {
                BinaryOperator::Plus => {
                    (interval(right) && datetime(left)) || (interval(left) && datetime(right))
                }
                BinaryOperator::Minus => interval(right) && datetime(left),
                _ => false,
            };
            match op {
                BinaryOperator::Plus if date_literal && whole => format!("date_add({l}, {r})"),
                BinaryOperator::Minus if date_literal && whole => format!("date_sub({l}, {r})"),
                BinaryOperator::Plus | BinaryOperator::Minus if shifted => {
                    format!("{l} {} {r}", operator(op)?)
                }
                BinaryOperator::NotEq => format!("(NOT ({l} = {r}))"),
                BinaryOperator::StringConcat => format!("concat({l}, {r})"),
                op => format!("({l} {} {r})", operator(op)?),
            }
        }
        Expr::IsNull(inner) => format!("({} IS NULL)", name(inner)?),
        Expr::IsNotNull(inner) => format!("({} IS NOT NULL)", name(inner)?),
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let items: Option<Vec<String>> = list.iter().map(name).collect();
            let in_list = format!("({} IN ({}))", name(expr)?, items?.join(", "));
            if *negated {
                format!("(NOT {in_list})")
            } else {
                in_list
            }
        }
        Expr::Cast {
            kind,
            expr,
            data_type,
            format: None,
            array: false,
        } => {
            let keyword = match kind {
                CastKind::Cast | CastKind::DoubleColon => "CAST",
                CastKind::TryCast | CastKind::SafeCast => "TRY_CAST",
            };
            let complex = matches!(
                data_type,
                DataType::Array(_) | DataType::Map(..) | DataType::Struct(..)
            );
            match expr.as_ref() {
                // Spark names a NULL cast to a nested type `NULL`, and any other such cast
                // after what it casts.
                Expr::Value(v) if complex && v.value == Value::Null => "NULL".into(),
                inner if complex => name(inner)?,
                _ => format!("{keyword}({} AS {})", name(expr)?, type_name(data_type)?),
            }
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let mut text = String::from("CASE");
            for when in conditions {
                let condition = match operand {
                    Some(operand) => format!("({} = {})", name(operand)?, name(&when.condition)?),
                    None => name(&when.condition)?,
                };
                text.push_str(&format!(" WHEN {condition} THEN {}", name(&when.result)?));
            }
            if let Some(e) = else_result {
                text.push_str(&format!(" ELSE {}", name(e)?));
            }
            text.push_str(" END");
            text
        }
        Expr::CompoundFieldAccess { root, access_chain } => {
            // A time window's fields are named after the struct (`window.start`).
            let mut text = match call_name(root).as_deref() {
                Some(w @ ("window" | "session_window")) => w.to_owned(),
                _ => name(root)?,
            };
            for access in access_chain {
                match access {
                    AccessExpr::Subscript(Subscript::Index { index }) => {
                        text.push_str(&format!("[{}]", name(index)?));
                    }
                    AccessExpr::Dot(Expr::Identifier(field)) => {
                        text.push('.');
                        text.push_str(&field.value);
                    }
                    _ => return None,
                }
            }
            text
        }
        Expr::Function(f) => function_name(f, ctx)?,
        Expr::Extract { field, expr, .. } => {
            format!(
                "extract({} FROM {})",
                field.to_string().to_uppercase(),
                name(expr)?
            )
        }
        Expr::Subquery(query) => format!("scalarsubquery({})", outer_columns(query, ctx)),
        Expr::Exists { subquery, negated } => {
            let exists = format!("exists({})", outer_columns(subquery, ctx));
            if *negated {
                format!("(NOT {exists})")
            } else {
                exists
            }
        }
        Expr::InSubquery {
            expr,
            subquery,
            negated,
        } if !matches!(expr.as_ref(), Expr::Tuple(_)) => {
            let test = format!(
                "({} IN (listquery({})))",
                name(expr)?,
                outer_columns(subquery, ctx)
            );
            if *negated {
                format!("(NOT {test})")
            } else {
                test
            }
        }
        Expr::Ceil { expr, field } | Expr::Floor { expr, field } => {
            let ceil = matches!(e, Expr::Ceil { .. });
            match field {
                CeilFloorKind::DateTimeField(DateTimeField::NoDateTime) => {
                    let keyword = if ceil { "CEIL" } else { "FLOOR" };
                    format!("{keyword}({})", name(expr)?)
                }
                // With a scale Spark names the call in lower case: `ceil(x, 2)`.
                CeilFloorKind::Scale(scale) => {
                    let keyword = if ceil { "ceil" } else { "floor" };
                    let scale = name(&Expr::Value(scale.clone()))?;
                    format!("{keyword}({}, {scale})", name(expr)?)
                }
                CeilFloorKind::DateTimeField(_) => return None,
            }
        }
        // Named as written: `substr(...)` or `substring(...)`.
        Expr::Substring {
            expr,
            substring_from: Some(from),
            substring_for,
            shorthand,
            ..
        } => {
            let length = match substring_for {
                Some(l) => name(l)?,
                None => i32::MAX.to_string(),
            };
            let function = if *shorthand { "substr" } else { "substring" };
            format!("{function}({}, {}, {length})", name(expr)?, name(from)?)
        }
        Expr::Position { expr, r#in } => format!("locate({}, {}, 1)", name(expr)?, name(r#in)?),
        // `overlay(s PLACING r FROM p [FOR n])`: without a length, Spark's -1.
        Expr::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => format!(
            "overlay({}, {}, {}, {})",
            name(expr)?,
            name(overlay_what)?,
            name(overlay_from)?,
            match overlay_for {
                Some(n) => name(n)?,
                None => "-1".to_owned(),
            }
        ),
        Expr::Trim {
            trim_where,
            trim_what,
            expr,
            trim_characters: None,
        } => match (trim_where, trim_what) {
            (None, None) => format!("trim({})", name(expr)?),
            (where_, Some(what)) => {
                let side = match where_ {
                    Some(TrimWhereField::Leading) => "LEADING",
                    Some(TrimWhereField::Trailing) => "TRAILING",
                    _ => "BOTH",
                };
                format!("TRIM({side} {} FROM {})", name(what)?, name(expr)?)
            }
            (Some(_), None) => return None,
        },
        Expr::Struct { values, fields } if fields.is_empty() => {
            let items: Option<Vec<String>> = values
                .iter()
                .map(|v| match v {
                    // `struct(1 AS a)`: Spark prints the field's name.
                    Expr::Named { expr, name: field } => {
                        Some(format!("{} AS {}", name(expr)?, field.value))
                    }
                    v => name(v),
                })
                .collect();
            format!("struct({})", items?.join(", "))
        }
        // Quantified LIKE: Spark names it after its expression only (ILIKE's lowered).
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char: None,
        }
        | Expr::ILike {
            negated,
            any,
            expr,
            pattern,
            escape_char: None,
        } if *any || call_name(pattern).as_deref() == Some("all") => {
            let not = if *negated { "not" } else { "" };
            let quantifier = if *any { "any" } else { "all" };
            let subject = name(expr)?;
            let subject = if matches!(e, Expr::ILike { .. }) {
                format!("lower({subject})")
            } else {
                subject
            };
            format!("{not}like{quantifier}({subject})")
        }
        // The negated forms are `(NOT <the form>)`.
        Expr::Like {
            negated,
            any: false,
            expr,
            pattern,
            escape_char,
        } => {
            let mut text = format!("{} LIKE {}", name(expr)?, name(pattern)?);
            if let Some(c) = escape_char {
                text = format!("{text} ESCAPE '{}'", value_name(c)?);
            }
            negated_name(*negated, text)
        }
        Expr::ILike {
            negated,
            any: false,
            expr,
            pattern,
            ..
        } => negated_name(
            *negated,
            format!("ilike({}, {})", name(expr)?, name(pattern)?),
        ),
        Expr::RLike {
            negated,
            expr,
            pattern,
            ..
        } => negated_name(
            *negated,
            format!("RLIKE({}, {})", name(expr)?, name(pattern)?),
        ),
        // Spark names an ANSI interval literal by its value's text (`INTERVAL '03' HOUR`).
        Expr::Interval(interval) => match crate::interval_literals::read(interval) {
            Ok(Some(ansi)) => ansi.text(),
            _ => {
                let value = name(&interval.value)?;
                match (&interval.leading_field, &interval.last_field) {
                    (Some(field), None) => {
                        format!("INTERVAL '{value}' {}", field.to_string().to_uppercase())
                    }
                    _ => return None,
                }
            }
        },
        _ => return None,
    })
}

/// A call's name: its function and arguments, then its `FILTER`, `WITHIN GROUP` and `OVER`
/// clauses as Spark prints them.
fn function_name(f: &Function, ctx: &Ctx<'_>) -> Option<String> {
    let mut fname = f.name.0.last()?.as_ident()?.value.to_lowercase();
    // Spark's `string_agg` is `listagg`, and named so.
    if fname == "string_agg" {
        fname = "listagg".to_owned();
    }
    // `lag(x) IGNORE NULLS` is named as `lag(x)` (recorded from PySpark).
    let named_without = matches!(fname.as_str(), "lag" | "lead");
    if (f.null_treatment.is_some() && !named_without)
        || !matches!(f.parameters, FunctionArguments::None)
    {
        return None;
    }
    if fname.starts_with("__ember") {
        return None;
    }
    let mut args = Vec::new();
    let mut distinct = false;
    match &f.args {
        FunctionArguments::None => {}
        FunctionArguments::Subquery(_) => return None,
        FunctionArguments::List(list) => {
            if !list.clauses.is_empty() {
                return None;
            }
            distinct = matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct));
            for arg in &list.args {
                match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                        args.push(spark_name(e, ctx)?)
                    }
                    FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if fname == "count" => {
                        args.push("1".into());
                    }
                    _ => return None,
                }
            }
        }
    }
    // `a >>> b`, which the parser reads as a call (`dialect.rs`).
    if fname == "shiftrightunsigned"
        && args.len() == 2
        && f.name.0.last()?.as_ident()?.quote_style == Some(crate::dialect::OPERATOR_QUOTE)
    {
        return Some(format!("({} >>> {})", args[0], args[1]));
    }
    // `datediff(unit, a, b)` and `dateadd(unit, n, t)` are Spark's `timestampdiff` and
    // `timestampadd`, and named so; `datepart(field, t)` prints as `datepart(field FROM t)`.
    match (fname.as_str(), &args[..]) {
        ("datediff" | "date_diff", [_, _, _]) => return call_text("timestampdiff", args, false),
        ("dateadd" | "date_add", [_, _, _]) => return call_text("timestampadd", args, false),
        ("datepart", [field, from]) => return Some(format!("datepart({field} FROM {from})")),
        _ => {}
    }
    // `ltrim(trimStr, str)` is Spark's `TRIM(LEADING trimStr FROM str)` (`shapes.rs`).
    if let ("ltrim" | "rtrim", [what, from]) = (fname.as_str(), &args[..]) {
        let side = if fname == "ltrim" {
            "LEADING"
        } else {
            "TRAILING"
        };
        return Some(format!("TRIM({side} {what} FROM {from})"));
    }
    // `lag(x)` is `lag(x, 1, NULL)`, its frame the row `offset` before.
    let lag_offset = match (fname.as_str(), args.len()) {
        ("lag" | "lead", 1) => {
            args.extend(["1".to_owned(), "NULL".to_owned()]);
            Some("1".to_owned())
        }
        ("lag" | "lead", 2) => {
            args.push("NULL".to_owned());
            Some(args[1].clone())
        }
        ("lag" | "lead", _) => Some(args.get(1)?.clone()),
        _ => None,
    };
    let mut text = call_text(&fname, args, distinct)?;
    if let Some(filter) = &f.filter {
        text = format!("{text} FILTER (WHERE {})", spark_name(filter, ctx)?);
    }
    if !f.within_group.is_empty() {
        // Spark's ordered-set aggregates print their order as written.
        let written = matches!(
            fname.as_str(),
            "percentile_disc" | "percentile_cont" | "mode"
        );
        let keys: Option<Vec<String>> = f
            .within_group
            .iter()
            .map(|o| order_key(o, ctx, written))
            .collect();
        text = format!("{text} WITHIN GROUP (ORDER BY {})", keys?.join(", "));
    }
    let spec = match &f.over {
        None => return Some(text),
        Some(WindowType::WindowSpec(spec)) => spec,
        Some(WindowType::NamedWindow(w)) => ctx.windows.get(&w.value.to_lowercase())?,
    };
    if spec.window_name.is_some() {
        return None;
    }
    let mut parts = Vec::new();
    if !spec.partition_by.is_empty() {
        let keys: Option<Vec<String>> = spec
            .partition_by
            .iter()
            .map(|e| spark_name(e, ctx))
            .collect();
        parts.push(format!("PARTITION BY {}", keys?.join(", ")));
    }
    if !spec.order_by.is_empty() {
        let keys: Option<Vec<String>> = spec
            .order_by
            .iter()
            .map(|o| order_key(o, ctx, false))
            .collect();
        parts.push(format!("ORDER BY {}", keys?.join(", ")));
    }
    parts.push(match (&spec.window_frame, lag_offset) {
        (Some(frame), _) => {
            let units = match frame.units {
                WindowFrameUnits::Rows => "ROWS",
                WindowFrameUnits::Range => "RANGE",
                WindowFrameUnits::Groups => return None,
            };
            let end = frame
                .end_bound
                .as_ref()
                .unwrap_or(&WindowFrameBound::CurrentRow);
            format!(
                "{units} BETWEEN {} AND {}",
                bound(&frame.start_bound, ctx)?,
                bound(end, ctx)?
            )
        }
        (None, Some(offset)) => {
            let at = if fname == "lag" {
                offset
                    .strip_prefix('-')
                    .map_or_else(|| format!("-{offset}"), str::to_owned)
            } else {
                offset
            };
            format!("ROWS BETWEEN {at} FOLLOWING AND {at} FOLLOWING")
        }
        (None, None)
            if matches!(
                fname.as_str(),
                "row_number"
                    | "rank"
                    | "dense_rank"
                    | "percent_rank"
                    | "cume_dist"
                    | "ntile"
                    | "counter_diff"
            ) =>
        {
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".into()
        }
        (None, None) if spec.order_by.is_empty() => {
            "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING".into()
        }
        (None, None) => "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".into(),
    });
    Some(format!("{text} OVER ({})", parts.join(" ")))
}

/// An ordering key: with its direction and null order spelled out (Spark's `ASC NULLS FIRST`),
/// or, `as_written`, with only a `DESC` that was written.
fn order_key(o: &OrderByExpr, ctx: &Ctx<'_>, as_written: bool) -> Option<String> {
    let key = spark_name(&o.expr, ctx)?;
    let asc = o.options.asc.unwrap_or(true);
    if as_written {
        return Some(if asc { key } else { format!("{key} DESC") });
    }
    let nulls_first = o.options.nulls_first.unwrap_or(asc);
    Some(format!(
        "{key} {} NULLS {}",
        if asc { "ASC" } else { "DESC" },
        if nulls_first { "FIRST" } else { "LAST" }
    ))
}

fn bound(b: &WindowFrameBound, ctx: &Ctx<'_>) -> Option<String> {
    Some(match b {
        WindowFrameBound::CurrentRow => "CURRENT ROW".into(),
        WindowFrameBound::Preceding(None) => "UNBOUNDED PRECEDING".into(),
        WindowFrameBound::Following(None) => "UNBOUNDED FOLLOWING".into(),
        WindowFrameBound::Preceding(Some(n)) => format!("{} PRECEDING", spark_name(n, ctx)?),
        WindowFrameBound::Following(Some(n)) => format!("{} FOLLOWING", spark_name(n, ctx)?),
    })
}

/// Functions Spark names in capitals (its math expressions' own names) when called by their
/// main name.
const CAPITALISED: &[&str] = &[
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cbrt",
    "cos",
    "cosh",
    "cot",
    "csc",
    "degrees",
    "e",
    "exp",
    "expm1",
    "hypot",
    "log10",
    "log1p",
    "log2",
    "pi",
    "power",
    "radians",
    "regexp",
    "regexp_like",
    "sec",
    "signum",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "dense_rank",
    "percent_rank",
    "rank",
    "rlike",
];

/// Arguments Spark fills in, and shows in a call's name: `(function, arguments given, what
/// follows them)`.
const DEFAULTS: &[(&str, usize, &[&str])] = &[
    ("aes_decrypt", 2, &["GCM", "DEFAULT", ""]),
    ("aes_decrypt", 3, &["DEFAULT", ""]),
    ("aes_encrypt", 2, &["GCM", "DEFAULT", "", ""]),
    ("aes_encrypt", 3, &["DEFAULT", "", ""]),
    ("aes_encrypt", 4, &["", ""]),
    ("aes_encrypt", 5, &[""]),
    ("aes_decrypt", 4, &[""]),
    ("try_aes_decrypt", 2, &["GCM", "DEFAULT", ""]),
    ("try_aes_decrypt", 3, &["DEFAULT", ""]),
    ("try_aes_decrypt", 4, &[""]),
    ("approx_percentile", 2, &["10000"]),
    ("approx_top_k", 1, &["5", "10000"]),
    ("approx_top_k", 2, &["10000"]),
    // Spark's default comparator (NULLs last), as its name prints it.
    (
        "array_sort",
        1,
        &[
            "lambdafunction((IF(((namedlambdavariable() IS NULL) AND (namedlambdavariable() IS NULL)), 0, (IF((namedlambdavariable() IS NULL), 1, (IF((namedlambdavariable() IS NULL), -1, (IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() > namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable())",
        ],
    ),
    ("bround", 1, &["0"]),
    ("from_unixtime", 1, &["yyyy-MM-dd HH:mm:ss"]),
    ("hll_sketch_agg", 1, &["12"]),
    ("hll_union", 2, &["false"]),
    ("hll_union_agg", 1, &["false"]),
    ("hmac", 2, &["SHA-256"]),
    ("listagg", 1, &["NULL"]),
    ("locate", 2, &["1"]),
    ("lpad", 2, &[" "]),
    ("make_ym_interval", 0, &["0", "0"]),
    ("make_ym_interval", 1, &["0"]),
    ("mask", 1, &["X", "x", "n", "NULL"]),
    ("months_between", 2, &["true"]),
    ("percentile", 2, &["1"]),
    ("percentile_approx", 2, &["10000"]),
    ("regexp_instr", 2, &["0"]),
    ("regexp_replace", 3, &["1"]),
    ("replace", 2, &[""]),
    ("round", 1, &["0"]),
    ("rpad", 2, &[" "]),
    ("sentences", 1, &["", ""]),
    ("sentences", 2, &[""]),
    ("sort_array", 1, &["true"]),
    ("split", 2, &["-1"]),
    ("str_to_map", 1, &[",", ":"]),
    ("str_to_map", 2, &[":"]),
    ("substring", 2, &["2147483647"]),
    ("substr", 2, &["2147483647"]),
    ("theta_sketch_agg", 1, &["12"]),
    ("theta_union_agg", 1, &["12"]),
    ("theta_union", 2, &["12"]),
    ("tuple_intersection_agg_double", 1, &["sum"]),
    ("tuple_intersection_agg_integer", 1, &["sum"]),
    ("tuple_intersection_double", 2, &["sum"]),
    ("tuple_intersection_integer", 2, &["sum"]),
    ("tuple_intersection_theta_double", 2, &["sum"]),
    ("tuple_intersection_theta_integer", 2, &["sum"]),
    ("tuple_sketch_agg_double", 2, &["12", "sum"]),
    ("tuple_sketch_agg_double", 3, &["sum"]),
    ("tuple_sketch_agg_integer", 2, &["12", "sum"]),
    ("tuple_sketch_agg_integer", 3, &["sum"]),
    ("tuple_sketch_summary_double", 1, &["sum"]),
    ("tuple_sketch_summary_integer", 1, &["sum"]),
    ("tuple_union_agg_double", 1, &["12", "sum"]),
    ("tuple_union_agg_double", 2, &["sum"]),
    ("tuple_union_agg_integer", 1, &["12", "sum"]),
    ("tuple_union_agg_integer", 2, &["sum"]),
    ("tuple_union_double", 2, &["12", "sum"]),
    ("tuple_union_double", 3, &["sum"]),
    ("tuple_union_integer", 2, &["12", "sum"]),
    ("tuple_union_integer", 3, &["sum"]),
    ("tuple_union_theta_double", 2, &["12", "sum"]),
    ("tuple_union_theta_double", 3, &["sum"]),
    ("tuple_union_theta_integer", 2, &["12", "sum"]),
    ("tuple_union_theta_integer", 3, &["sum"]),
    ("to_unix_timestamp", 1, &["yyyy-MM-dd HH:mm:ss"]),
    (
        "unix_timestamp",
        0,
        &["current_timestamp()", "yyyy-MM-dd HH:mm:ss"],
    ),
    ("unix_timestamp", 1, &["yyyy-MM-dd HH:mm:ss"]),
    ("variant_set", 3, &["true"]),
    ("try_variant_set", 3, &["true"]),
    ("variant_strip_nulls", 1, &["true"]),
    ("vector_norm", 1, &["2.0"]),
    ("vector_normalize", 1, &["2.0"]),
];

/// A call's name as Spark prints it, from its function's name (lower case) and its arguments'
/// names.
fn call_text(fname: &str, mut args: Vec<String>, distinct: bool) -> Option<String> {
    match (fname, args.as_slice()) {
        // Casts written as functions are named by what they cast.
        (
            "int" | "bigint" | "smallint" | "tinyint" | "double" | "float" | "string" | "boolean"
            | "date" | "timestamp" | "decimal" | "binary",
            [arg],
        ) => return Some(arg.clone()),
        ("isnull", [arg]) => return Some(format!("({arg} IS NULL)")),
        ("isnotnull", [arg]) => return Some(format!("({arg} IS NOT NULL)")),
        ("positive", [arg]) => return Some(format!("(+ {arg})")),
        ("if", [condition, then, otherwise]) => {
            return Some(format!("(IF({condition}, {then}, {otherwise}))"));
        }
        ("count", []) => return None,
        ("log", [arg]) => return Some(format!("LOG(E(), {arg})")),
        ("log", [base, arg]) => return Some(format!("LOG({base}, {arg})")),
        // Without their options (and schemas), as Spark names them.
        (
            "from_csv" | "from_json" | "from_xml" | "to_csv" | "to_json" | "to_xml"
            | "schema_of_csv" | "schema_of_json" | "schema_of_xml",
            [first, ..],
        ) => {
            return Some(format!("{fname}({first})"));
        }
        ("first" | "last", [arg, _]) => return Some(format!("{fname}({arg})")),
        // Spark's `array_agg` is `collect_list`, and named so.
        ("array_agg", [arg]) => {
            let distinct = if distinct { "DISTINCT " } else { "" };
            return Some(format!("collect_list({distinct}{arg})"));
        }
        ("variant_get" | "try_variant_get", [v, path, _]) => {
            return Some(format!("{fname}({v}, {path})"));
        }
        // Without a finishing function, Spark's is the identity.
        ("aggregate" | "reduce", [_, _, _]) => {
            args.push("lambdafunction(namedlambdavariable(), namedlambdavariable())".into());
        }
        ("identifier", [arg]) => return arg.rsplit('.').next().map(str::to_owned),
        ("convert_timezone", [to, ts]) => {
            return Some(format!("convert_timezone(current_timezone(), {to}, {ts})"));
        }
        ("assert_true", [condition]) => {
            return Some(format!(
                "assert_true({condition}, '{condition}' is not true!)"
            ));
        }
        _ => {}
    }
    if let Some((_, _, defaults)) = DEFAULTS
        .iter()
        .find(|(f, n, _)| *f == fname && *n == args.len())
    {
        args.extend(defaults.iter().map(|d| (*d).to_owned()));
    }
    let fname = match fname {
        "random" => "rand".to_owned(),
        // `shapes.rs` spells `exists(array, f)` so, before it could parse as a subquery.
        "any_match" => "exists".to_owned(),
        "curdate" => "current_date".to_owned(),
        "current_database" => "current_schema".to_owned(),
        f if CAPITALISED.contains(&f) => f.to_uppercase(),
        f => f.to_owned(),
    };
    let distinct = if distinct { "DISTINCT " } else { "" };
    Some(format!("{fname}({distinct}{})", args.join(", ")))
}

/// A literal's name: Spark's text of its value.
fn value_name(v: &Value) -> Option<String> {
    Some(match v {
        Value::Number(text, _) => number_name(text)?,
        // Spark names a string by its value, its escapes read.
        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => crate::literals::unescape(s),
        Value::HexStringLiteral(hex) => format!("X'{}'", hex.to_uppercase()),
        Value::Boolean(b) => b.to_string(),
        Value::Null => "NULL".into(),
        _ => return None,
    })
}

/// A number's text as Spark prints its value: integers without suffix or leading zeros,
/// decimals with their scale, doubles and floats as Java prints them.
fn number_name(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    if let Some(digits) = upper.strip_suffix('F') {
        return Some(java_float(digits.parse().ok()?));
    }
    if let Some(digits) = upper.strip_suffix('D').filter(|_| !upper.ends_with("BD")) {
        return Some(java_double(digits.parse().ok()?));
    }
    let digits = ["BD", "L", "Y", "S"]
        .iter()
        .find_map(|s| upper.strip_suffix(s))
        .unwrap_or(&upper);
    if digits.contains('E') {
        return Some(java_double(digits.parse().ok()?));
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Some(if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    })
}

fn operator(op: &BinaryOperator) -> Option<&'static str> {
    Some(match op {
        BinaryOperator::Plus => "+",
        BinaryOperator::Minus => "-",
        BinaryOperator::Multiply => "*",
        BinaryOperator::Divide => "/",
        BinaryOperator::Modulo => "%",
        BinaryOperator::Eq => "=",
        BinaryOperator::Lt => "<",
        BinaryOperator::LtEq => "<=",
        BinaryOperator::Gt => ">",
        BinaryOperator::GtEq => ">=",
        BinaryOperator::Spaceship => "<=>",
        BinaryOperator::And => "AND",
        BinaryOperator::Or => "OR",
        BinaryOperator::BitwiseAnd => "&",
        BinaryOperator::BitwiseOr => "|",
        BinaryOperator::BitwiseXor => "^",
        BinaryOperator::MyIntegerDivide => "div",
        BinaryOperator::PGBitwiseShiftLeft => "<<",
        BinaryOperator::PGBitwiseShiftRight => ">>",
        _ => return None,
    })
}

/// Spark's SQL name of a cast's target type.
fn type_name(t: &DataType) -> Option<String> {
    Some(match t {
        DataType::Int(_) | DataType::Integer(_) => "INT".into(),
        DataType::BigInt(_) => "BIGINT".into(),
        DataType::SmallInt(_) => "SMALLINT".into(),
        DataType::TinyInt(_) => "TINYINT".into(),
        DataType::Double(_) | DataType::DoublePrecision => "DOUBLE".into(),
        DataType::Float(_) | DataType::Real => "FLOAT".into(),
        DataType::Boolean | DataType::Bool => "BOOLEAN".into(),
        DataType::String(_) | DataType::Text => "STRING".into(),
        DataType::Date => "DATE".into(),
        DataType::Timestamp(..) => "TIMESTAMP".into(),
        DataType::TimestampNtz(_) => "TIMESTAMP_NTZ".into(),
        DataType::Binary(_) => "BINARY".into(),
        DataType::Custom(name, modifiers) if modifiers.is_empty() => {
            match name.to_string().to_ascii_lowercase().as_str() {
                "variant" => "VARIANT".into(),
                "timestamp_ntz" => "TIMESTAMP_NTZ".into(),
                "timestamp_ltz" => "TIMESTAMP".into(),
                _ => return None,
            }
        }
        DataType::Decimal(info) | DataType::Numeric(info) | DataType::Dec(info) => match info {
            ExactNumberInfo::None => "DECIMAL(10,0)".into(),
            ExactNumberInfo::Precision(p) => format!("DECIMAL({p},0)"),
            ExactNumberInfo::PrecisionAndScale(p, s) => format!("DECIMAL({p},{s})"),
        },
        _ => return None,
    })
}

/// Spark's name of a negated predicate: `(NOT <name>)`.
fn negated_name(negated: bool, name: String) -> String {
    if negated {
        format!("(NOT {name})")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::number_name;

    #[test]
    fn numbers_are_named_by_their_value() {
        for (text, name) in [
            ("1", "1"),
            ("007", "7"),
            ("1L", "1"),
            ("2.50", "2.50"),
            (".5", "0.5"),
            ("2.5BD", "2.5"),
            ("1e2", "100.0"),
            ("2.5D", "2.5"),
            ("1.5F", "1.5"),
            ("12345678901234567890", "12345678901234567890"),
        ] {
            assert_eq!(number_name(text).as_deref(), Some(name), "{text}");
        }
    }
}
