//! Expressions.

use quote::{quote, ToTokens};
use syn::{BinOp, Expr, ExprBinary, ExprMethodCall, Lit, UnOp};

use super::{ExternTy, Lowerer, Value};
use crate::ir::{Cmp, Func, Id};

/// What a body may contain, for error messages.
const BODY: &str = "supported: `let`, arithmetic, float methods, constant `for` loops, `for` loops over data slices, and `if` on constants";

/// Methods lowered to other nodes rather than one [`Func`], with their number of arguments
/// besides the receiver. With [`Func::ALL`] this is every supported method.
pub const COMPOSITE_METHODS: [(&str, usize); 14] = [
    ("powi", 1),
    ("powf", 1),
    ("atan2", 1),
    ("hypot", 1),
    ("mul_add", 2),
    ("max", 1),
    ("min", 1),
    ("clamp", 2),
    ("log", 1),
    ("copysign", 1),
    ("to_radians", 0),
    ("to_degrees", 0),
    ("rem_euclid", 1),
    ("div_euclid", 1),
];

/// `sin_cos`, the one method returning a tuple.
const SIN_COS: &str = "sin_cos";

/// Returns whether `name` is a supported float method.
fn is_method(name: &str) -> bool {
    Func::from_name(name).is_some()
        || name == SIN_COS
        || COMPOSITE_METHODS.iter().any(|&(n, _)| n == name)
}

/// Lists every supported method, for error messages.
pub fn supported_methods() -> String {
    let mut names: Vec<String> = Func::ALL.iter().map(|(_, n)| format!("`{n}`")).collect();
    names.push(format!("`{SIN_COS}`"));
    names.extend(COMPOSITE_METHODS.iter().map(|(n, _)| format!("`{n}`")));
    names.join(", ")
}

/// `core::f64::consts`, by name.
fn named_constant(name: &str) -> Option<f64> {
    use core::f64::consts as c;
    Some(match name {
        "PI" => c::PI,
        "TAU" => c::TAU,
        "E" => c::E,
        "SQRT_2" => c::SQRT_2,
        "LN_2" => c::LN_2,
        "LN_10" => c::LN_10,
        "LOG2_E" => c::LOG2_E,
        "LOG10_E" => c::LOG10_E,
        "LOG2_10" => c::LOG2_10,
        "LOG10_2" => c::LOG10_2,
        "FRAC_PI_2" => c::FRAC_PI_2,
        "FRAC_PI_3" => c::FRAC_PI_3,
        "FRAC_PI_4" => c::FRAC_PI_4,
        "FRAC_PI_6" => c::FRAC_PI_6,
        "FRAC_PI_8" => c::FRAC_PI_8,
        "FRAC_1_PI" => c::FRAC_1_PI,
        "FRAC_2_PI" => c::FRAC_2_PI,
        "FRAC_2_SQRT_PI" => c::FRAC_2_SQRT_PI,
        "FRAC_1_SQRT_2" => c::FRAC_1_SQRT_2,
        _ => return None,
    })
}

impl Lowerer<'_> {
    pub(super) fn lower_expr(&mut self, expr: &Expr) -> Value {
        match expr {
            Expr::Lit(lit) => self.lower_lit(&lit.lit),
            Expr::Path(p) if p.qself.is_none() => self.lower_path(p),
            Expr::Paren(p) => self.lower_expr(&p.expr),
            Expr::Group(g) => self.lower_expr(&g.expr),
            Expr::Binary(b) => self.lower_binary(b),
            Expr::Unary(u) => self.lower_unary(u),
            Expr::MethodCall(m) => self.lower_method(m),
            Expr::Call(c) => self.lower_call(c),
            Expr::Cast(c) => self.lower_cast(c),
            Expr::Index(i) => self.lower_index(i),
            // `params.scale` on a constant outside the body
            Expr::Field(_) => self
                .lower_outer_place(expr)
                .unwrap_or_else(|| self.unsupported_construct(expr)),
            Expr::Block(b) if b.label.is_none() => self.lower_block(&b.block),
            Expr::If(i) => self.lower_if(i),
            Expr::Tuple(t) => Value::Tuple(t.elems.iter().map(|e| self.lower_expr(e)).collect()),
            Expr::Array(a) => Value::Array(a.elems.iter().map(|e| self.lower_expr(e)).collect()),
            Expr::Repeat(r) => {
                let elem = self.lower_expr(&r.expr);
                match self.lower_expr(&r.len) {
                    Value::Int(n) if n >= 0 => {
                        Value::Array(vec![elem; usize::try_from(n).unwrap_or(0)])
                    }
                    Value::Error => Value::Error,
                    _ => self.unsupported(&r.len, "array lengths must be known at compile time"),
                }
            }
            Expr::Reference(r) if r.mutability.is_none() => self.lower_expr(&r.expr),
            Expr::ForLoop(f) => {
                self.lower_for(f);
                Value::Unit
            }
            Expr::Assign(_) => {
                self.lower_statement_expr(expr);
                Value::Unit
            }
            other => self.unsupported_construct(other),
        }
    }

    /// Records an error and returns [`Value::Error`].
    pub(super) fn unsupported(&self, at: &dyn ToTokens, message: &str) -> Value {
        self.cx.error_spanned_by(at, message);
        Value::Error
    }

    fn unsupported_construct(&self, expr: &Expr) -> Value {
        let (at, what): (&dyn ToTokens, String) = match expr {
            Expr::While(w) => (&w.while_token, "`while` loops are".into()),
            Expr::Loop(l) => (&l.loop_token, "`loop` is".into()),
            Expr::Match(m) => (&m.match_token, "`match` is".into()),
            Expr::Closure(c) => (c, "closures are".into()),
            Expr::Macro(m) => return self.unsupported_macro(&m.mac),
            Expr::Return(r) => (
                &r.return_token,
                "`return` before the end of the function is".into(),
            ),
            Expr::Break(b) => (&b.break_token, "`break` is".into()),
            Expr::Continue(c) => (&c.continue_token, "`continue` is".into()),
            Expr::Range(r) => (r, "ranges outside `for` loops are".into()),
            Expr::Field(f) => (f, "field access is".into()),
            Expr::Struct(s) => (s, "struct literals are".into()),
            Expr::Reference(r) => (r, "`&mut` references are".into()),
            Expr::Unsafe(u) => (&u.unsafe_token, "`unsafe` blocks are".into()),
            Expr::Try(t) => (&t.question_token, "the `?` operator is".into()),
            Expr::Let(l) => (&l.let_token, "`let` in conditions is".into()),
            Expr::Block(b) => (b, "labelled blocks are".into()),
            other => (other, "this expression is".into()),
        };
        self.unsupported(at, &format!("{what} not supported by `#[hessian]`; {BODY}"))
    }

    /// Records the error for a macro invocation in the body.
    pub(super) fn unsupported_macro(&self, mac: &syn::Macro) -> Value {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        self.unsupported(
            &mac.path,
            &format!("macro `{name}!` is not supported by `#[hessian]`; {BODY}"),
        )
    }

    fn lower_lit(&mut self, lit: &Lit) -> Value {
        match lit {
            Lit::Float(f) => match f.base10_parse::<f64>() {
                Ok(v) => Value::Float(self.g.constant(v)),
                Err(e) => {
                    self.cx.push(e);
                    Value::Error
                }
            },
            Lit::Int(i) => match i.base10_parse::<i64>() {
                Ok(v) if matches!(i.suffix(), "f64" | "f32") =>
                {
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "a float literal written as an integer"
                    )]
                    Value::Float(self.g.constant(v as f64))
                }
                Ok(v) => Value::Int(v),
                Err(e) => {
                    self.cx.push(e);
                    Value::Error
                }
            },
            Lit::Bool(b) => Value::ConstBool(b.value),
            other => self.unsupported(
                other,
                "only float, integer and boolean literals are supported by `#[hessian]`",
            ),
        }
    }

    fn lower_path(&mut self, p: &syn::ExprPath) -> Value {
        let path = &p.path;
        if let Some(ident) = path.get_ident() {
            let name = ident.to_string();
            if let Some(value) = self.read_local(&name, ident) {
                return value;
            }
        }
        let last = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let float_path = path
            .segments
            .iter()
            .any(|s| s.ident == "f64" || s.ident == "f32" || s.ident == "consts");
        if float_path || path.segments.len() == 1 {
            if let Some(c) = named_constant(&last).filter(|_| float_path) {
                return Value::Float(self.g.constant(c));
            }
            let special = match last.as_str() {
                "EPSILON" => Some(if self.sig.scalar == crate::signature::Scalar::F32 {
                    f64::from(f32::EPSILON)
                } else {
                    f64::EPSILON
                }),
                "INFINITY" => Some(f64::INFINITY),
                "NEG_INFINITY" => Some(f64::NEG_INFINITY),
                _ => None,
            };
            if let Some(c) = special.filter(|_| float_path) {
                return Value::Float(self.g.constant(c));
            }
        }
        // A name the macro cannot see (a `const` outside the function): a runtime constant.
        Value::Float(self.extern_value(quote!(#path), ExternTy::Float, None))
    }

    /// Reads a local, refusing outer locals a data loop accumulates into.
    fn read_local(&mut self, name: &str, at: &syn::Ident) -> Option<Value> {
        let (depth, binding) = self.lookup(name)?;
        if let Some(dl) = &self.state.data_loop {
            if depth < dl.scope_base && dl.assigned.iter().any(|a| a == name) {
                self.cx.error_spanned_by(at, format!("`{name}` is accumulated by this loop over data and cannot be read inside it; a loop over data may only add terms to outer variables with `+=` or `-=`"));
                return Some(Value::Error);
            }
        }
        Some(binding.value.clone())
    }

    fn lower_binary(&mut self, b: &ExprBinary) -> Value {
        if is_assign_op(&b.op) {
            self.lower_statement_expr(&Expr::Binary(b.clone()));
            return Value::Unit;
        }
        let left = self.lower_expr(&b.left);
        // Short-circuit on conditions known at compile time: `i > 0 && x[i - 1] > 0.0`.
        match (&b.op, &left) {
            (BinOp::And(_), Value::ConstBool(false)) => return Value::ConstBool(false),
            (BinOp::Or(_), Value::ConstBool(true)) => return Value::ConstBool(true),
            _ => {}
        }
        let right = self.lower_expr(&b.right);
        self.binary(&b.op, left, right, b)
    }

    /// Applies a binary operator to two values.
    pub(super) fn binary(
        &mut self,
        op: &BinOp,
        left: Value,
        right: Value,
        at: &dyn ToTokens,
    ) -> Value {
        if matches!(left, Value::Error) || matches!(right, Value::Error) {
            return Value::Error;
        }
        if let (Value::Int(a), Value::Int(b)) = (&left, &right) {
            return self.int_binary(op, *a, *b, at);
        }
        if let Some(v) = runtime_int_binary(op, &left, &right) {
            return v;
        }
        match op {
            BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_) | BinOp::Rem(_) => {
                let (Some(a), Some(b)) = (self.float(left, at), self.float(right, at)) else {
                    return Value::Error;
                };
                Value::Float(match op {
                    BinOp::Add(_) => self.g.add(a, b),
                    BinOp::Sub(_) => self.g.sub(a, b),
                    BinOp::Mul(_) => self.g.mul(a, b),
                    BinOp::Rem(_) => self.g.rem(a, b),
                    _ => self.g.div(a, b),
                })
            }
            BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Eq(_) | BinOp::Ne(_) => {
                self.compare(op, left, right, at)
            }
            BinOp::And(_) | BinOp::Or(_) => self.logic(op, left, right, at),
            _ => self.unsupported(op, &format!("operator `{}` is not supported by `#[hessian]`; supported: `+`, `-`, `*`, `/`, `%`, comparisons, `&&`, `||`, `!`", op.to_token_stream())),
        }
    }

    fn int_binary(&self, op: &BinOp, a: i64, b: i64, at: &dyn ToTokens) -> Value {
        let result = match op {
            BinOp::Add(_) => a.checked_add(b),
            BinOp::Sub(_) => a.checked_sub(b),
            BinOp::Mul(_) => a.checked_mul(b),
            BinOp::Div(_) => a.checked_div(b),
            BinOp::Rem(_) => a.checked_rem(b),
            BinOp::Lt(_) => return Value::ConstBool(a < b),
            BinOp::Le(_) => return Value::ConstBool(a <= b),
            BinOp::Gt(_) => return Value::ConstBool(a > b),
            BinOp::Ge(_) => return Value::ConstBool(a >= b),
            BinOp::Eq(_) => return Value::ConstBool(a == b),
            BinOp::Ne(_) => return Value::ConstBool(a != b),
            _ => return self.unsupported(op, &format!("operator `{}` on integers is not supported by `#[hessian]`; supported: `+`, `-`, `*`, `/`, `%`, comparisons", op.to_token_stream())),
        };
        match result {
            Some(v) => Value::Int(v),
            None => self.unsupported(
                at,
                "integer overflow or division by zero in a compile-time integer expression",
            ),
        }
    }

    fn compare(&mut self, op: &BinOp, left: Value, right: Value, at: &dyn ToTokens) -> Value {
        let cmp = match op {
            BinOp::Lt(_) => Cmp::Lt,
            BinOp::Le(_) => Cmp::Le,
            BinOp::Gt(_) => Cmp::Gt,
            BinOp::Ge(_) => Cmp::Ge,
            BinOp::Eq(_) => Cmp::Eq,
            _ => Cmp::Ne,
        };
        let (Some(a), Some(b)) = (self.comparable(left, at), self.comparable(right, at)) else {
            return Value::Error;
        };
        if let (Some(x), Some(y)) = (self.g.as_const(a), self.g.as_const(b)) {
            return Value::ConstBool(cmp.eval(x, y));
        }
        if !self.g.deps(a).is_empty() || !self.g.deps(b).is_empty() {
            return self.unsupported(at, "this condition depends on a differentiated argument; `#[hessian]` supports conditions on constants, loop indices and data only (a branch on a differentiated value is not smooth)");
        }
        Value::Bool(self.g.cmp(cmp, a, b))
    }

    /// Returns a float node for one side of a comparison.
    fn comparable(&mut self, value: Value, at: &dyn ToTokens) -> Option<Id> {
        match value {
            Value::RuntimeInt(tokens, scope) => Some(self.runtime_int_to_float(&tokens, scope)),
            other => self.float(other, at),
        }
    }

    fn logic(&mut self, op: &BinOp, left: Value, right: Value, at: &dyn ToTokens) -> Value {
        let and = matches!(op, BinOp::And(_));
        match (left, right) {
            (Value::ConstBool(a), Value::ConstBool(b)) => {
                Value::ConstBool(if and { a && b } else { a || b })
            }
            (Value::ConstBool(c), other) | (other, Value::ConstBool(c)) => match (and, c) {
                (true, true) | (false, false) => other,
                (true, false) => Value::ConstBool(false),
                (false, true) => Value::ConstBool(true),
            },
            (Value::Bool(a), Value::Bool(b)) => Value::Bool(if and {
                self.g.and(a, b)
            } else {
                self.g.or(a, b)
            }),
            (l, r) => {
                let found = if matches!(l, Value::Bool(_)) { r } else { l };
                self.unsupported(
                    at,
                    &format!("expected a boolean, found {}", found.describe()),
                )
            }
        }
    }

    fn lower_unary(&mut self, u: &syn::ExprUnary) -> Value {
        let v = self.lower_expr(&u.expr);
        match (&u.op, v) {
            (_, Value::Error) => Value::Error,
            (UnOp::Neg(_), Value::Int(i)) => Value::Int(-i),
            (UnOp::Neg(_), v) => match self.float(v, u) {
                Some(id) => Value::Float(self.g.neg(id)),
                None => Value::Error,
            },
            (UnOp::Not(_), Value::ConstBool(b)) => Value::ConstBool(!b),
            (UnOp::Not(_), Value::Bool(b)) => Value::Bool(self.g.not(b)),
            // `*x` on a loop element bound by reference: the value itself.
            (UnOp::Deref(_), v) => v,
            (_, v) => self.unsupported(u, &format!("`!` needs a boolean, found {}", v.describe())),
        }
    }

    fn lower_cast(&mut self, c: &syn::ExprCast) -> Value {
        let v = self.lower_expr(&c.expr);
        let ty = c.ty.to_token_stream().to_string();
        let to_float = ty == "f64" || ty == "f32";
        let to_int = matches!(
            ty.as_str(),
            "usize" | "isize" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64"
        );
        match v {
            Value::Error => Value::Error,
            #[expect(clippy::cast_precision_loss, reason = "what `as f64` does")]
            Value::Int(i) if to_float => Value::Float(self.g.constant(i as f64)),
            Value::Int(i) if to_int => Value::Int(i),
            Value::RuntimeInt(tokens, scope) if to_float => Value::Float(self.runtime_int_to_float(&tokens, scope)),
            Value::RuntimeInt(..) if to_int => v,
            Value::Float(_) if to_float => v,
            other => self.unsupported(c, &format!("cannot cast {} to `{ty}` in `#[hessian]`; supported: integers to `f64`/`f32`, integers to other integer types", other.describe())),
        }
    }

    fn lower_index(&mut self, i: &syn::ExprIndex) -> Value {
        // `GAUSS_Y[i]`: a table outside the body, read by the generated code
        if let Some(value) = self.lower_outer_place(&Expr::Index(i.clone())) {
            return value;
        }
        let base = self.lower_expr(&i.expr);
        let index = self.lower_expr(&i.index);
        if let (Value::Array(elems), Value::Int(k), Expr::Path(p)) = (&base, &index, &*i.expr) {
            if usize::try_from(*k).map_or(true, |k| k >= elems.len()) {
                let name = p.path.to_token_stream().to_string();
                let len = elems.len();
                return self.unsupported(
                    &i.index,
                    &format!("index {k} is out of bounds for `{name}`, of length {len}"),
                );
            }
        }
        self.index(base, index, &i.index)
    }

    /// Returns `base[index]` for an array and a compile-time index.
    pub(super) fn index(&mut self, base: Value, index: Value, at: &dyn ToTokens) -> Value {
        match (base, index) {
            (Value::Error, _) | (_, Value::Error) => Value::Error,
            (Value::Array(elems), Value::Int(k)) => match usize::try_from(k).ok().and_then(|k| elems.get(k)) {
                Some(v) => v.clone(),
                None => self.unsupported(at, &format!("index {k} is out of bounds for an array of length {}", elems.len())),
            },
            (Value::Array(_), _) => self.unsupported(at, "array indices must be known at compile time: integer literals, constants and indices of constant `for` loops"),
            (Value::Slice { name, .. }, _) => self.unsupported(at, &format!("data slice `{name}` can only be read by a loop over it, such as `for x in {name}`")),
            (other, _) => self.unsupported(at, &format!("cannot index {}", other.describe())),
        }
    }

    fn lower_method(&mut self, m: &ExprMethodCall) -> Value {
        if let Some(value) = self.lower_iterator_sum(m) {
            return value;
        }
        let name = m.method.to_string();
        if let Some(turbofish) = &m.turbofish {
            return self.unsupported(
                turbofish,
                "turbofish on methods is not supported by `#[hessian]`",
            );
        }
        let receiver = self.lower_expr(&m.receiver);
        if let (Value::Slice { name: slice, .. }, "len") = (&receiver, name.as_str()) {
            return Value::RuntimeInt(quote!(#slice.len()), None);
        }
        let args: Vec<Value> = m.args.iter().map(|a| self.lower_expr(a)).collect();
        self.method(&m.method, receiver, args, &m.args)
    }

    /// Applies a float method.
    fn method(
        &mut self,
        method: &syn::Ident,
        receiver: Value,
        args: Vec<Value>,
        args_at: &dyn ToTokens,
    ) -> Value {
        let name = method.to_string();
        let composite = COMPOSITE_METHODS.iter().find(|&&(n, _)| n == name);
        let arity = match composite {
            Some(&(_, arity)) => arity,
            None if Func::from_name(&name).is_some() || name == SIN_COS => 0,
            None => {
                return self.unsupported(
                    method,
                    &format!(
                        "unsupported method `{name}`; supported: {}",
                        supported_methods()
                    ),
                );
            }
        };
        if args.len() != arity {
            return self.unsupported(args_at, &format!("`{name}` takes {arity} argument(s)"));
        }
        if matches!(receiver, Value::Error) || args.iter().any(|a| matches!(a, Value::Error)) {
            return Value::Error;
        }
        let Some(x) = self.float(receiver, method) else {
            return Value::Error;
        };
        if name == "powi" {
            return match &args[0] {
                Value::Int(n) => match i32::try_from(*n) {
                    Ok(n) => Value::Float(self.g.powi(x, n)),
                    Err(_) => self.unsupported(args_at, "`powi` exponent out of range"),
                },
                _ => self.unsupported(args_at, "`powi` needs an integer exponent known at compile time, such as `x.powi(3)`; use `powf` for a float exponent"),
            };
        }
        let mut floats = Vec::with_capacity(arity);
        for a in args {
            match self.float(a, args_at) {
                Some(id) => floats.push(id),
                None => return Value::Error,
            }
        }
        let g = &mut self.g;
        if name == SIN_COS {
            return Value::Tuple(vec![
                Value::Float(g.call(Func::Sin, x)),
                Value::Float(g.call(Func::Cos, x)),
            ]);
        }
        Value::Float(match name.as_str() {
            "max" => g.max(x, floats[0]),
            "min" => g.min(x, floats[0]),
            // Rust's `clamp`: `if x < lo { lo } else if x > hi { hi } else { x }`, so NaN
            // stays NaN; differentiated along the active branch
            "clamp" => {
                let (lo, hi) = (floats[0], floats[1]);
                let above = g.cmp(Cmp::Gt, x, hi);
                let upper = g.select(above, hi, x);
                let below = g.cmp(Cmp::Lt, x, lo);
                g.select(below, lo, upper)
            }
            // Rust's `log`: `self.ln() / base.ln()`
            "log" => {
                let (ln, ln_base) = (g.call(Func::Ln, x), g.call(Func::Ln, floats[0]));
                g.div(ln, ln_base)
            }
            // |x|·(±1 by the sign of s), exact: the product by ±1 does not round
            "copysign" => {
                let (abs, sign) = (g.call(Func::Abs, x), g.call(Func::Signum, floats[0]));
                g.mul(abs, sign)
            }
            // Rust's: `self * (PI / 180)` and `self * (180 / PI)`, one rounding
            "to_radians" => {
                let c = g.constant(core::f64::consts::PI / 180.0);
                g.mul(c, x)
            }
            "to_degrees" => {
                let c = g.constant(180.0 / core::f64::consts::PI);
                g.mul(c, x)
            }
            "rem_euclid" => g.rem_euclid(x, floats[0]),
            "div_euclid" => g.div_euclid(x, floats[0]),
            "powf" => g.powf(x, floats[0]),
            "atan2" => g.atan2(x, floats[0]),
            "hypot" => g.hypot(x, floats[0]),
            "mul_add" => {
                let p = g.mul(x, floats[0]);
                g.add(p, floats[1])
            }
            _ => g.call(Func::from_name(&name).expect("arity checked the name"), x),
        })
    }

    /// `f64::sin(x)`-style calls become methods, calls of paths are constants or calls of
    /// differentiable functions, and any other call is an error.
    fn lower_call(&mut self, c: &syn::ExprCall) -> Value {
        if let Expr::Path(p) = &*c.func {
            // A local (a rejected closure, say) called as a function: its own error suffices.
            if let Some(ident) = p.path.get_ident() {
                match self.lookup(&ident.to_string()).map(|(_, b)| &b.value) {
                    Some(Value::Error) => return Value::Error,
                    Some(other) => {
                        let found = other.describe();
                        return self
                            .unsupported(ident, &format!("`{ident}` is {found}, not a function"));
                    }
                    None => {}
                }
            }
            let segs: Vec<_> = p.path.segments.iter().collect();
            if segs.len() == 2
                && (segs[0].ident == "f64" || segs[0].ident == "f32")
                && is_method(&segs[1].ident.to_string())
                && !c.args.is_empty()
            {
                let mut args: Vec<Value> = c.args.iter().map(|a| self.lower_expr(a)).collect();
                let receiver = args.remove(0);
                return self.method(&segs[1].ident, receiver, args, &c.args);
            }
        }
        if let Expr::Path(p) = &*c.func {
            let float_type = p.path.segments.len() == 2
                && (p.path.segments[0].ident == "f64" || p.path.segments[0].ident == "f32");
            if p.qself.is_none() && !float_type {
                return self.lower_path_call(c, &p.path);
            }
        }
        let name = c.func.to_token_stream().to_string().replace(' ', "");
        self.unsupported(&c.func, &format!("unsupported call to `{name}`: `#[hessian]` sees only this function's body, so it cannot differentiate other functions; inline it, or use a supported method: {}", supported_methods()))
    }
}

/// Integer arithmetic with a runtime operand (`i % 2` on an `enumerate` index) stays integer
/// arithmetic in the generated code; comparisons go through the float path.
fn runtime_int_binary(op: &BinOp, left: &Value, right: &Value) -> Option<Value> {
    let operand = |v: &Value| match v {
        Value::RuntimeInt(t, s) => Some((t.clone(), *s)),
        Value::Int(i) => {
            let lit = proc_macro2::Literal::i64_unsuffixed(*i);
            Some((quote!(#lit), None))
        }
        _ => None,
    };
    let ((a, sa), (b, sb)) = (operand(left)?, operand(right)?);
    if !matches!(left, Value::RuntimeInt(..)) && !matches!(right, Value::RuntimeInt(..)) {
        return None;
    }
    let op = match op {
        BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_) | BinOp::Rem(_) => op,
        _ => return None,
    };
    Some(Value::RuntimeInt(quote!((#a #op #b)), sa.or(sb)))
}

/// Returns whether `op` is a compound assignment.
pub(super) fn is_assign_op(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}
