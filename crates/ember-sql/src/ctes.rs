//! A nested `WITH` may reuse an outer CTE's name, as Spark allows: inside it the name means the
//! inner CTE (`WITH a AS (SELECT 1 AS x), b AS (WITH a AS (SELECT 2 AS x) SELECT x FROM a)
//! SELECT x FROM b` is 2). DataFusion's planner refuses the second definition ("WITH query name
//! specified more than once"), so before planning each inner definition that shadows an outer
//! one is renamed (`__ember_cte_<n>`), and so is every table reference in its scope: the rest of
//! its `WITH` and its query, up to a `WITH` that defines the name again. A reference keeps the
//! name it was written with as its alias, so `a.x` still reads.
//!
//! Spark's `WITH RECURSIVE r(n) MAX RECURSION LEVEL 10 AS (...)` bounds one recursive CTE's
//! levels: the clause (which the parser does not know) is taken out of the tokens and the CTE
//! renamed `__ember_max_level_<n>_<name>` ([`max_recursion_levels`]); its references follow it
//! as a shadowing definition's do, and `recursion.rs` reads the bound from the name.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    Cte, Ident, ObjectName, ObjectNamePart, Query, SetExpr, TableAlias, TableFactor, VisitMut,
    VisitorMut,
};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

/// The prefix of the names given to shadowing CTEs.
const RENAMED_PREFIX: &str = "__ember_cte_";

/// The prefix of the name of a CTE with its own `MAX RECURSION LEVEL n`: then `n`, `_`, the name.
pub(crate) const MAX_LEVEL_PREFIX: &str = "__ember_max_level_";

/// A CTE's name as the user wrote it, without the level bound Ember put in it.
pub fn written_cte_name(name: &str) -> &str {
    name.strip_prefix(MAX_LEVEL_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .map_or(name, |(_, written)| written)
}

/// The level bound a CTE's name carries ([`MAX_LEVEL_PREFIX`]).
pub(crate) fn max_level_of(name: &str) -> Option<u64> {
    let rest = name.strip_prefix(MAX_LEVEL_PREFIX)?;
    rest[..rest.find('_')?].parse().ok()
}

/// `tokens` without each `MAX RECURSION LEVEL n` clause of a CTE (after its name and column
/// list), the CTE's name in its definition written `__ember_max_level_<n>_<name>`; `None` if
/// there is no such clause. The references are renamed after parsing ([`unshadow_ctes`]).
pub(crate) fn max_recursion_levels(mut tokens: Vec<TokenWithSpan>) -> Option<Vec<TokenWithSpan>> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let mut edits: Vec<(usize, usize, u64)> = Vec::new();
    for (k, &i) in significant.iter().enumerate() {
        let at = |d: usize| significant.get(k + d).map(|&j| &tokens[j].token);
        if !(at(0).is_some_and(|t| word(t, "MAX"))
            && at(1).is_some_and(|t| word(t, "RECURSION"))
            && at(2).is_some_and(|t| word(t, "LEVEL")))
        {
            continue;
        }
        let Some(Token::Number(n, false)) = at(3) else {
            return None;
        };
        let level: u64 = n.parse().ok()?;
        // The CTE's name: before the clause, or before its parenthesized column list.
        let mut b = k.checked_sub(1)?;
        if tokens[significant[b]].token == Token::RParen {
            while tokens[significant[b]].token != Token::LParen {
                b = b.checked_sub(1)?;
            }
            b = b.checked_sub(1)?;
        }
        let Token::Word(_) = tokens[significant[b]].token else {
            return None;
        };
        edits.push((significant[b], i, level));
    }
    if edits.is_empty() {
        return None;
    }
    // One pass (a removal per clause would make many clauses quadratic): each clause is four
    // significant tokens from its start.
    let mut removed = vec![false; tokens.len()];
    for &(name_at, clause_at, level) in &edits {
        let end = (clause_at..tokens.len())
            .filter(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
            .nth(3)?;
        removed[clause_at..=end].fill(true);
        if let Token::Word(w) = &mut tokens[name_at].token {
            w.value = format!("{MAX_LEVEL_PREFIX}{level}_{}", w.value);
            w.quote_style = Some('`');
        }
    }
    Some(
        tokens
            .into_iter()
            .zip(removed)
            .filter_map(|(t, gone)| (!gone).then_some(t))
            .collect(),
    )
}

/// Renames the CTEs of `query` (at any depth) that shadow an outer CTE (see the module docs).
/// Queries without a nested `WITH` are walked and left as they are.
pub(crate) fn unshadow_ctes<V: VisitMut>(statement: &mut V) {
    let _ = statement.visit(&mut Scopes {
        names: Vec::new(),
        renamed: 0,
    });
}

struct Scopes {
    /// The CTE names of each enclosing `WITH`, innermost last (lower case).
    names: Vec<Vec<String>>,
    /// How many definitions were renamed so far (for fresh names).
    renamed: usize,
}

impl VisitorMut for Scopes {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        let Some(with) = query.with.as_mut() else {
            self.names.push(Vec::new());
            return ControlFlow::Continue(());
        };
        let mut defined = Vec::with_capacity(with.cte_tables.len());
        for i in 0..with.cte_tables.len() {
            let written = with.cte_tables[i].alias.name.value.clone();
            // A CTE with its own level bound: its references take its new name.
            if let Some(level) = max_level_of(&written) {
                let prefix = format!("{MAX_LEVEL_PREFIX}{level}_");
                let name = written[prefix.len()..].to_lowercase();
                let mut rename = Rename {
                    from: name.clone(),
                    to: written.clone(),
                    shadowed: 0,
                };
                rename.in_scope(&mut with.cte_tables[i..], &mut query.body, true);
                defined.push(name);
                continue;
            }
            let name = written.to_lowercase();
            if self.names.iter().flatten().any(|n| *n == name) {
                self.renamed += 1;
                let fresh = format!("{RENAMED_PREFIX}{}", self.renamed);
                with.cte_tables[i].alias.name = Ident::new(fresh.clone());
                let mut rename = Rename {
                    from: name.clone(),
                    to: fresh,
                    shadowed: 0,
                };
                // A recursive CTE reads itself under the name.
                rename.in_scope(&mut with.cte_tables[i..], &mut query.body, with.recursive);
            }
            defined.push(name);
        }
        self.names.push(defined);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.names.pop();
        ControlFlow::Continue(())
    }
}

/// Renames the table references `from` to `to` (aliased `from`), except where a `WITH` that
/// defines `from` again is in scope (its later CTEs and its query).
struct Rename {
    from: String,
    to: String,
    /// How many enclosing queries define `from` again.
    shadowed: usize,
}

impl Rename {
    /// Renames in the scope of the CTE `ctes[0]` (its own query only if `itself`): the CTEs
    /// after it in its `WITH`, and the query `body` of that `WITH`.
    fn in_scope(&mut self, ctes: &mut [Cte], body: &mut SetExpr, itself: bool) {
        let Some((cte, later)) = ctes.split_first_mut() else {
            return;
        };
        if itself {
            let _ = cte.query.visit(self);
        }
        for cte in later {
            let _ = cte.query.visit(self);
        }
        let _ = body.visit(self);
    }

    fn defines(&self, query: &Query) -> bool {
        query.with.as_ref().is_some_and(|w| {
            w.cte_tables
                .iter()
                .any(|c| c.alias.name.value.eq_ignore_ascii_case(&self.from))
        })
    }
}

impl VisitorMut for Rename {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if !self.defines(query) {
            return ControlFlow::Continue(());
        }
        // The CTEs up to the one that defines the name again still read the name being
        // renamed (a CTE does not see itself unless recursive); the rest are shadowed.
        if self.shadowed == 0
            && let Some(with) = query.with.as_mut()
        {
            let recursive = with.recursive;
            for cte in &mut with.cte_tables {
                let redefines = cte.alias.name.value.eq_ignore_ascii_case(&self.from);
                if redefines && recursive {
                    break;
                }
                let _ = cte.query.visit(self);
                if redefines {
                    break;
                }
            }
        }
        self.shadowed += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if self.defines(query) {
            self.shadowed -= 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, table: &mut TableFactor) -> ControlFlow<()> {
        if self.shadowed > 0 {
            return ControlFlow::Continue(());
        }
        if let TableFactor::Table {
            name, alias, args, ..
        } = table
            && args.is_none()
            && let [ObjectNamePart::Identifier(ident)] = name.0.as_slice()
            && ident.value.to_lowercase() == self.from
        {
            if alias.is_none() {
                *alias = Some(TableAlias {
                    explicit: true,
                    name: ident.clone(),
                    columns: Vec::new(),
                    at: None,
                });
            }
            *name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(
                self.to.clone(),
            ))]);
        }
        ControlFlow::Continue(())
    }
}
