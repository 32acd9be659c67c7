//! Statements, blocks, assignments and `if`.

use syn::{BinOp, Expr, Pat, Stmt};

use super::{Lowerer, State, Value};

/// Where a pattern stands, for its error message.
#[derive(Clone, Copy)]
pub(super) enum PatternSite {
    Let,
    Loop,
}
use crate::ir::Id;

impl Lowerer<'_> {
    /// Lowers the function body: a block whose last statement may also be `return e;`.
    pub(super) fn lower_body(&mut self, block: &syn::Block) -> Value {
        if let Some((Stmt::Expr(Expr::Return(ret), Some(_)), rest)) = block.stmts.split_last() {
            self.push_scope();
            self.enter_block(block);
            for stmt in rest {
                self.lower_stmt(stmt);
            }
            let value = match &ret.expr {
                Some(e) => self.lower_expr(e),
                None => self.unsupported(ret, "`return` needs a value"),
            };
            self.leave_block();
            self.pop_scope();
            return value;
        }
        self.lower_block(block)
    }

    /// Lowers a block in a scope of its own and returns its tail value.
    pub(super) fn lower_block(&mut self, block: &syn::Block) -> Value {
        self.push_scope();
        self.enter_block(block);
        let mut value = Value::Unit;
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                Stmt::Expr(Expr::Return(ret), None)
                    if i + 1 == block.stmts.len() && self.state.scopes.len() == 2 =>
                {
                    value = match &ret.expr {
                        Some(e) => self.lower_expr(e),
                        None => self.unsupported(ret, "`return` needs a value"),
                    };
                }
                Stmt::Expr(e, None) if i + 1 == block.stmts.len() => value = self.lower_expr(e),
                _ => self.lower_stmt(stmt),
            }
        }
        self.leave_block();
        self.pop_scope();
        value
    }

    fn lower_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(local) => {
                let Some(init) = &local.init else {
                    self.cx.error_spanned_by(local, "`let` without a value is not supported by `#[hessian]`; write `let x = …;`");
                    // Later assignments to it are part of the same mistake.
                    self.bind_pattern(&local.pat, Value::Error, PatternSite::Let);
                    return;
                };
                if let Some((else_token, _)) = &init.diverge {
                    self.cx.error_spanned_by(
                        else_token,
                        "`let … else` is not supported by `#[hessian]`",
                    );
                    return;
                }
                let value = self.lower_expr(&init.expr);
                self.bind_pattern(&local.pat, value, PatternSite::Let);
            }
            // Lowered when the block is entered (`enter_block`); `fn`s inline where called.
            Stmt::Item(syn::Item::Const(_) | syn::Item::Fn(_)) => {}
            Stmt::Item(item) => {
                self.cx.error_spanned_by(
                    item,
                    "items inside a `#[hessian]` function are not supported, except `const` and `fn` (inlined where called)",
                );
            }
            Stmt::Expr(e, _) => {
                self.lower_statement_expr(e);
            }
            Stmt::Macro(m) => {
                self.unsupported_macro(&m.mac);
            }
        }
    }

    /// Lowers an expression in statement position, where assignments are allowed.
    pub(super) fn lower_statement_expr(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => {
                let rhs = self.lower_expr(&a.right);
                self.assign(&a.left, None, rhs, e);
            }
            Expr::Binary(b) if super::expr::is_assign_op(&b.op) => {
                let op = match b.op {
                    BinOp::AddAssign(t) => BinOp::Add(syn::Token![+](t.spans[0])),
                    BinOp::SubAssign(t) => BinOp::Sub(syn::Token![-](t.spans[0])),
                    BinOp::MulAssign(t) => BinOp::Mul(syn::Token![*](t.spans[0])),
                    BinOp::DivAssign(t) => BinOp::Div(syn::Token![/](t.spans[0])),
                    BinOp::RemAssign(t) => BinOp::Rem(syn::Token![%](t.spans[0])),
                    _ => {
                        self.cx.error_spanned_by(b.op, "compound assignment other than `+=`, `-=`, `*=`, `/=`, `%=` is not supported by `#[hessian]`");
                        return;
                    }
                };
                let rhs = self.lower_expr(&b.right);
                self.assign(&b.left, Some(op), rhs, e);
            }
            other => {
                self.lower_expr(other);
            }
        }
    }

    /// Binds a `let` or loop pattern to a value, element by element.
    pub(super) fn bind_pattern(&mut self, pat: &Pat, value: Value, site: PatternSite) {
        match (pat, value) {
            (Pat::Ident(p), value) if p.by_ref.is_none() && p.subpat.is_none() => {
                self.bind(p.ident.to_string(), value);
            }
            (Pat::Type(t), value) => self.bind_pattern(&t.pat, value, site),
            (Pat::Paren(p), value) => self.bind_pattern(&p.pat, value, site),
            (Pat::Reference(r), value) => self.bind_pattern(&r.pat, value, site),
            (Pat::Wild(_), _) => {}
            (Pat::Tuple(t), Value::Tuple(values)) if t.elems.len() == values.len() => {
                for (p, v) in t.elems.iter().zip(values) {
                    self.bind_pattern(p, v, site);
                }
            }
            (Pat::Slice(s), Value::Array(values)) if s.elems.len() == values.len() => {
                for (p, v) in s.elems.iter().zip(values) {
                    self.bind_pattern(p, v, site);
                }
            }
            (Pat::Tuple(t), Value::Error) => {
                for p in &t.elems {
                    self.bind_pattern(p, Value::Error, site);
                }
            }
            (Pat::Slice(s), Value::Error) => {
                for p in &s.elems {
                    self.bind_pattern(p, Value::Error, site);
                }
            }
            (other, value) => {
                let message = match site {
                    PatternSite::Let => format!("unsupported pattern for {}; supported: names, `_`, tuples `(a, b)` and arrays `[a, b]` of matching length", value.describe()),
                    PatternSite::Loop => format!("this pattern does not match the loop's elements ({}); for `a.iter().zip(b).zip(c)` write `((x, y), z)`, and `(i, x)` with `.enumerate()`", value.describe()),
                };
                self.cx.error_spanned_by(other, message);
            }
        }
    }

    /// Assigns `rhs` (or `place op rhs`) to a local or an element of a local array.
    fn assign(&mut self, place: &Expr, op: Option<BinOp>, rhs: Value, at: &Expr) {
        let Some((name, path)) = self.place(place) else {
            return;
        };
        let Some((depth, binding)) = self.lookup(&name) else {
            self.cx.error_spanned_by(place, format!("cannot assign to `{name}`: only local variables can be assigned in a `#[hessian]` function"));
            return;
        };
        let old = if let Some(v) = get_path(&binding.value, &path) {
            v.clone()
        } else {
            self.cx
                .error_spanned_by(place, "cannot assign to this place");
            return;
        };
        let outer_of_loop = self
            .state
            .data_loop
            .as_ref()
            .is_some_and(|dl| depth < dl.scope_base);
        if outer_of_loop {
            self.accumulate(name, path, op, rhs, &old, place);
            return;
        }
        let new = match op {
            None => rhs,
            Some(op) => self.binary(&op, old, rhs, at),
        };
        let scope = &mut self.state.scopes[depth];
        if let Some(b) = scope.get_mut(&name) {
            set_path(&mut b.value, &path, new);
        }
    }

    /// Adds a term to an outer accumulator of the data loop being lowered.
    fn accumulate(
        &mut self,
        name: String,
        path: Vec<usize>,
        op: Option<BinOp>,
        rhs: Value,
        old: &Value,
        place: &Expr,
    ) {
        let negate = match op {
            Some(BinOp::Add(_)) => false,
            Some(BinOp::Sub(_)) => true,
            _ => {
                self.cx.error_spanned_by(place, format!("inside a loop over data, `{name}` is defined outside the loop and can only be accumulated with `+=` or `-=`; a loop over data computes sums"));
                return;
            }
        };
        if matches!(old, Value::Error) || matches!(rhs, Value::Error) {
            return;
        }
        if !matches!(old, Value::Float(_)) {
            self.cx
                .error_spanned_by(place, format!("cannot accumulate into {}", old.describe()));
            return;
        }
        let Some(term) = self.float(rhs, place) else {
            return;
        };
        let term = if negate { self.g.neg(term) } else { term };
        let dl = self
            .state
            .data_loop
            .as_mut()
            .expect("accumulate runs inside a data loop");
        let key = (name, path);
        let sum = match dl.terms.get(&key) {
            Some(&prev) => self.g.add(prev, term),
            None => term,
        };
        self.state
            .data_loop
            .as_mut()
            .expect("still inside")
            .terms
            .insert(key, sum);
    }

    /// Resolves an assignment target to a local name and a compile-time element path.
    fn place(&mut self, place: &Expr) -> Option<(String, Vec<usize>)> {
        match place {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                Some((p.path.get_ident()?.to_string(), Vec::new()))
            }
            Expr::Paren(p) => self.place(&p.expr),
            Expr::Index(i) => {
                let (name, mut path) = self.place(&i.expr)?;
                match self.lower_expr(&i.index) {
                    Value::Int(k) if k >= 0 => {
                        path.push(usize::try_from(k).ok()?);
                        Some((name, path))
                    }
                    Value::Error => None,
                    _ => {
                        self.cx.error_spanned_by(
                            &i.index,
                            "array indices must be known at compile time",
                        );
                        None
                    }
                }
            }
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => self.place(expr),
            other => {
                self.cx.error_spanned_by(other, "only local variables and their elements can be assigned in a `#[hessian]` function");
                None
            }
        }
    }

    /// Lowers `if`: a condition known at compile time picks its branch; a runtime condition
    /// lowers both branches and selects every value that differs.
    pub(super) fn lower_if(&mut self, i: &syn::ExprIf) -> Value {
        let cond = self.lower_expr(&i.cond);
        let then_branch = |l: &mut Self| l.lower_block(&i.then_branch);
        let else_branch = |l: &mut Self| match &i.else_branch {
            Some((_, e)) => l.lower_expr(e),
            None => Value::Unit,
        };
        match cond {
            Value::ConstBool(true) => then_branch(self),
            Value::ConstBool(false) => else_branch(self),
            Value::Bool(c) => {
                let saved = self.state.clone();
                let a = then_branch(self);
                let then_state = std::mem::replace(&mut self.state, saved);
                let b = else_branch(self);
                let else_state = std::mem::replace(&mut self.state, then_state.clone());
                self.state = self.merge_states(c, then_state, &else_state, i);
                match Value::select(&mut self.g, c, &a, &b) {
                    Some(v) => v,
                    None => self.unsupported(i, &format!("the branches of this `if` give {} and {}, which cannot be chosen at run time", a.describe(), b.describe())),
                }
            }
            Value::Error => {
                let saved = self.state.clone();
                then_branch(self);
                self.state = saved.clone();
                else_branch(self);
                self.state = saved;
                Value::Error
            }
            other => self.unsupported(
                &i.cond,
                &format!("`if` needs a boolean condition, found {}", other.describe()),
            ),
        }
    }

    fn merge_states(&mut self, c: Id, mut a: State, b: &State, at: &syn::ExprIf) -> State {
        for (scope_a, scope_b) in a.scopes.iter_mut().zip(&b.scopes) {
            for (name, binding) in scope_a.iter_mut() {
                let Some(other) = scope_b.get(name) else {
                    continue;
                };
                if let Some(v) = Value::select(&mut self.g, c, &binding.value, &other.value) {
                    binding.value = v;
                } else {
                    self.cx.error_spanned_by(at, format!("`{name}` gets {} and {} in the branches of this `if`, which cannot be chosen at run time", binding.value.describe(), other.value.describe()));
                    binding.value = Value::Error;
                }
            }
        }
        if let (Some(dla), Some(dlb)) = (a.data_loop.as_mut(), b.data_loop.as_ref()) {
            let zero = self.g.constant(0.0);
            let keys: std::collections::BTreeSet<_> =
                dla.terms.keys().chain(dlb.terms.keys()).cloned().collect();
            for key in keys {
                let ta = dla.terms.get(&key).copied().unwrap_or(zero);
                let tb = dlb.terms.get(&key).copied().unwrap_or(zero);
                dla.terms.insert(key, self.g.select(c, ta, tb));
            }
        }
        a
    }
}

fn get_path<'v>(value: &'v Value, path: &[usize]) -> Option<&'v Value> {
    match path.split_first() {
        None => Some(value),
        Some((&k, rest)) => match value {
            Value::Array(elems) => get_path(elems.get(k)?, rest),
            _ => None,
        },
    }
}

fn set_path(value: &mut Value, path: &[usize], new: Value) {
    match path.split_first() {
        None => *value = new,
        Some((&k, rest)) => {
            if let Value::Array(elems) = value {
                if let Some(e) = elems.get_mut(k) {
                    set_path(e, rest, new);
                }
            }
        }
    }
}
