//! The expression DAG every pass works on: flat, hash-consed, with children before parents.

use std::collections::HashMap;

use super::ops::{Cmp, Func};

/// Index of a node in a [`Graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub u32);

impl Id {
    /// Returns the index as a `usize`, for indexing per-node tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a loop over runtime data; every node inside it is evaluated once per element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoopId(pub u32);

/// One operation. Scalar nodes have the function's float type; `Cmp`, `And`, `Or` and `Not`
/// are booleans, used only as the condition of a `Select`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A constant, stored as `f64::to_bits` with `-0.0` normalised to `0.0` so it hashes.
    Const(u64),
    /// The `k`-th differentiated scalar (flattened arguments).
    Input(u32),
    /// A runtime value that is not differentiated: a constant argument, data, a loop index.
    Extern(u32),
    Add(Id, Id),
    Sub(Id, Id),
    Mul(Id, Id),
    Div(Id, Id),
    Neg(Id),
    /// An elementary function of one argument.
    Call(Func, Id),
    /// `a.powi(n)`.
    Powi(Id, i32),
    /// `a.powf(b)`.
    Powf(Id, Id),
    /// `y.atan2(x)`.
    Atan2(Id, Id),
    /// `x.hypot(y)`.
    Hypot(Id, Id),
    /// `a.max(b)`: differentiated along the larger operand (`a` on a tie).
    Max(Id, Id),
    /// `a.min(b)`: differentiated along the smaller operand (`a` on a tie).
    Min(Id, Id),
    /// `a % b`, Rust's truncated remainder `a − b·trunc(a/b)`.
    Rem(Id, Id),
    /// `a.rem_euclid(b)`, `a − b·a.div_euclid(b)`.
    RemEuclid(Id, Id),
    /// `a.div_euclid(b)`: piecewise constant, derivative 0 away from its jumps.
    DivEuclid(Id, Id),
    Cmp(Cmp, Id, Id),
    And(Id, Id),
    Or(Id, Id),
    Not(Id),
    /// `if c { a } else { b }`, with `c` a boolean that does not depend on the inputs.
    Select(Id, Id, Id),
    /// `Σ body` over every element of the loop: one accumulator of a rolled data loop.
    Sum(LoopId, Id),
    /// A call of another `#[hessian]` function (or a hand-written module with the same items):
    /// the tuple its generated function returns. The number indexes [`Graph::invocation`];
    /// the arguments are the invocation's, so [`Graph::children`] lists them.
    Invoke(u32),
    /// The called function's value, read from an `Invoke`.
    CallValue(Id),
    /// `∂g/∂sₖ`: the called function's derivative along the invocation's slot `k` (a
    /// differentiated argument scalar that depends on the caller's inputs).
    CallGrad(Id, u32),
    /// `∂²g/∂sⱼ∂sₖ` for slots `j ≤ k`.
    CallHess(Id, u32, u32),
}

impl Node {
    /// Returns the node's own children in order; an `Invoke`'s arguments live in the graph, so
    /// passes walk [`Graph::children`] instead.
    fn children(&self) -> impl Iterator<Item = Id> {
        let (a, b, c) = match *self {
            Node::Const(_) | Node::Input(_) | Node::Extern(_) | Node::Invoke(_) => {
                (None, None, None)
            }
            Node::Neg(a)
            | Node::Call(_, a)
            | Node::Powi(a, _)
            | Node::Not(a)
            | Node::Sum(_, a)
            | Node::CallValue(a)
            | Node::CallGrad(a, _)
            | Node::CallHess(a, ..) => (Some(a), None, None),
            Node::Add(a, b)
            | Node::Sub(a, b)
            | Node::Mul(a, b)
            | Node::Div(a, b)
            | Node::Powf(a, b)
            | Node::Atan2(a, b)
            | Node::Hypot(a, b)
            | Node::Max(a, b)
            | Node::Min(a, b)
            | Node::Rem(a, b)
            | Node::RemEuclid(a, b)
            | Node::DivEuclid(a, b)
            | Node::Cmp(_, a, b)
            | Node::And(a, b)
            | Node::Or(a, b) => (Some(a), Some(b), None),
            Node::Select(c, a, b) => (Some(c), Some(a), Some(b)),
        };
        a.into_iter().chain(b).chain(c)
    }

    /// Returns whether the node is boolean-valued.
    pub fn is_bool(&self) -> bool {
        matches!(
            self,
            Node::Cmp(..) | Node::And(..) | Node::Or(..) | Node::Not(_)
        )
    }
}

/// Converts a constant to its hashable form.
pub fn const_bits(value: f64) -> u64 {
    if value == 0.0 {
        0.0f64.to_bits()
    } else {
        value.to_bits()
    }
}

/// A set of input indices, as a bit set: the inputs a node depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputSet(Vec<u64>);

impl InputSet {
    fn single(k: u32) -> Self {
        let mut words = vec![0; k as usize / 64 + 1];
        words[k as usize / 64] |= 1 << (k % 64);
        InputSet(words)
    }

    fn union(&self, other: &Self) -> Self {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut words = long.0.clone();
        for (w, o) in words.iter_mut().zip(&short.0) {
            *w |= o;
        }
        InputSet(words)
    }

    /// Returns whether input `k` is in the set.
    pub fn contains(&self, k: u32) -> bool {
        self.0
            .get(k as usize / 64)
            .is_some_and(|w| w & (1 << (k % 64)) != 0)
    }

    /// Returns whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

/// One call of another differentiable function: what the graph needs to differentiate it.
#[derive(Clone, Debug, Default)]
pub struct Invocation {
    /// Every argument that is a node (floats and booleans, constants included), for scheduling.
    pub args: Vec<Id>,
    /// The arguments that depend on the inputs, one scalar each: the chain rule runs over them.
    pub slots: Vec<Id>,
    /// The data loop the call is evaluated in, when an argument outside the graph (a loop
    /// index, a slice element) binds it there.
    pub scope: Option<LoopId>,
}

/// A hash-consed expression DAG.
///
/// Invariant: **children precede parents**. [`Graph::intern`] interns a node only after its
/// children exist, so `Id` order is a topological order and every pass is one forward sweep.
/// For `(x + 1) * (x + 1)`:
///
/// ```text
/// Id(0) Input(0)        x
/// Id(1) Const(1.0)
/// Id(2) Add(0, 1)       x + 1, interned once although written twice
/// Id(3) Mul(2, 2)
/// ```
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    memo: HashMap<Node, Id>,
    /// Inputs each node depends on, indexed by `Id`.
    deps: Vec<InputSet>,
    /// The data loop each node is evaluated in (`None`: outside every loop), indexed by `Id`.
    scope: Vec<Option<LoopId>>,
    /// The loop each `Extern` is bound in, indexed by the extern's number.
    extern_scope: Vec<Option<LoopId>>,
    /// Indexed by the number in `Node::Invoke`.
    invocations: Vec<Invocation>,
}

impl Graph {
    /// Creates an empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the node behind `id`.
    pub fn node(&self, id: Id) -> Node {
        self.nodes[id.index()]
    }

    /// Returns the inputs `id` depends on.
    pub fn deps(&self, id: Id) -> &InputSet {
        &self.deps[id.index()]
    }

    /// Returns whether `id` depends on input `k`.
    pub fn depends_on(&self, id: Id, k: u32) -> bool {
        self.deps[id.index()].contains(k)
    }

    /// Returns the data loop `id` is evaluated in.
    pub fn scope(&self, id: Id) -> Option<LoopId> {
        self.scope[id.index()]
    }

    /// Returns the constant behind `id`, if it is one.
    pub fn as_const(&self, id: Id) -> Option<f64> {
        match self.node(id) {
            Node::Const(bits) => Some(f64::from_bits(bits)),
            _ => None,
        }
    }

    /// Registers a new runtime value bound in `scope` and returns its node.
    pub fn new_extern(&mut self, scope: Option<LoopId>) -> Id {
        let k = u32::try_from(self.extern_scope.len()).expect("fewer than 2³² externs");
        self.extern_scope.push(scope);
        self.intern(Node::Extern(k))
    }

    /// Returns the children of `id`: its operands, or an invocation's arguments.
    pub fn children(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.children_of(self.node(id))
    }

    fn children_of(&self, node: Node) -> impl Iterator<Item = Id> + '_ {
        let args = match node {
            Node::Invoke(k) => self.invocations[k as usize].args.as_slice(),
            _ => &[],
        };
        node.children().chain(args.iter().copied())
    }

    /// Returns the loop a node is bound in by something outside the graph: an invocation's
    /// loop index or slice element.
    fn bound_scope(&self, node: Node) -> Option<LoopId> {
        match node {
            Node::Invoke(k) => self.invocations[k as usize].scope,
            _ => None,
        }
    }

    /// Returns the invocation behind `Node::Invoke(k)`.
    pub fn invocation(&self, k: u32) -> &Invocation {
        &self.invocations[k as usize]
    }

    /// Registers a call and returns its `Invoke` node. Calls are not hash-consed here: lowering
    /// shares identical calls itself.
    pub fn new_invocation(&mut self, invocation: Invocation) -> Id {
        let k = u32::try_from(self.invocations.len()).expect("fewer than 2³² calls");
        self.invocations.push(invocation);
        self.intern(Node::Invoke(k))
    }

    /// Interns `node` without simplifying it; the smart constructors of `simplify` call this.
    pub fn intern(&mut self, node: Node) -> Id {
        if let Some(&id) = self.memo.get(&node) {
            return id;
        }
        let id = Id(u32::try_from(self.nodes.len()).expect("fewer than 2³² nodes"));
        debug_assert!(
            self.children_of(node).all(|c| c < id),
            "children precede parents"
        );
        let (deps, scope) = match node {
            Node::Input(k) => (InputSet::single(k), None),
            Node::Extern(k) => (InputSet::default(), self.extern_scope[k as usize]),
            Node::Sum(_, body) => (self.deps[body.index()].clone(), None),
            _ => self.children_of(node).fold(
                (InputSet::default(), self.bound_scope(node)),
                |(deps, scope), c| {
                    (
                        deps.union(&self.deps[c.index()]),
                        scope.or(self.scope[c.index()]),
                    )
                },
            ),
        };
        self.nodes.push(node);
        self.deps.push(deps);
        self.scope.push(scope);
        self.memo.insert(node, id);
        id
    }
}
