//! Orders the nodes a set of outputs needs into straight-line code and rolled loops.
//!
//! Nodes outside every data loop become one `let` each. A data loop becomes one unit: its
//! accumulators, declared before the loop, and every node evaluated per element. Units are
//! emitted in a topological order that breaks ties by the smallest `Id`, so the output is
//! deterministic. A loop can depend on values computed after an earlier loop (a mean, then a
//! variance), which is why loops are placed by dependency and not where the user wrote them.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use super::graph::{Graph, Id, LoopId, Node};

/// One emitted unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `let __tN = …;` for a node outside every loop.
    Let(Id),
    /// A rolled loop: `sums` are the accumulators (each a `Sum` node), `body` the nodes
    /// evaluated per element, in `Id` order.
    Loop {
        lp: LoopId,
        sums: Vec<Id>,
        body: Vec<Id>,
    },
}

/// What one emitted unit is keyed by: a lone node, or a whole loop.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Node(Id),
    Loop(LoopId),
}

/// Returns the units that compute `outputs`, in an order where every value precedes its uses.
/// Constants are not scheduled: they are written inline.
pub fn schedule(g: &Graph, outputs: &[Id]) -> Vec<Item> {
    let needed = needed(g, outputs);
    let unit_of = |id: Id| -> Unit {
        match (g.node(id), g.scope(id)) {
            (Node::Sum(lp, _), _) | (_, Some(lp)) => Unit::Loop(lp),
            _ => Unit::Node(id),
        }
    };
    let mut members: BTreeMap<Unit, Vec<Id>> = BTreeMap::new();
    for id in needed.iter().copied() {
        members.entry(unit_of(id)).or_default().push(id);
    }
    // Edges between units, and each unit's smallest id for tie-breaking.
    let mut indegree: BTreeMap<Unit, usize> = members.keys().map(|&u| (u, 0)).collect();
    let mut successors: BTreeMap<Unit, Vec<Unit>> = BTreeMap::new();
    for (&unit, ids) in &members {
        let mut preds: Vec<Unit> = ids
            .iter()
            .flat_map(|&id| g.children(id))
            .filter(|&c| g.as_const(c).is_none())
            .map(unit_of)
            .filter(|&p| p != unit)
            .collect();
        preds.sort();
        preds.dedup();
        for p in preds {
            *indegree.get_mut(&unit).expect("every unit is keyed") += 1;
            successors.entry(p).or_default().push(unit);
        }
    }
    let first = |u: Unit| members[&u][0];
    let mut ready: BinaryHeap<Reverse<(Id, Unit)>> = indegree
        .iter()
        .filter(|(_, &n)| n == 0)
        .map(|(&u, _)| Reverse((first(u), u)))
        .collect();
    let mut items = Vec::with_capacity(members.len());
    while let Some(Reverse((_, unit))) = ready.pop() {
        items.push(match unit {
            Unit::Node(id) => Item::Let(id),
            Unit::Loop(lp) => {
                let (sums, body) = members[&unit]
                    .iter()
                    .partition(|&&id| matches!(g.node(id), Node::Sum(..)));
                Item::Loop { lp, sums, body }
            }
        });
        for &s in successors.get(&unit).map_or(&[][..], Vec::as_slice) {
            let n = indegree.get_mut(&s).expect("every unit is keyed");
            *n -= 1;
            if *n == 0 {
                ready.push(Reverse((first(s), s)));
            }
        }
    }
    debug_assert_eq!(items.len(), members.len(), "units form a DAG");
    items
}

/// Returns the non-constant nodes `outputs` depend on, in `Id` order.
fn needed(g: &Graph, outputs: &[Id]) -> Vec<Id> {
    let end = outputs.iter().map(|o| o.index() + 1).max().unwrap_or(0);
    let mut mark = vec![false; end];
    for o in outputs {
        mark[o.index()] = true;
    }
    for i in (0..end).rev() {
        if mark[i] {
            for c in g.children(Id(u32::try_from(i).expect("ids fit u32"))) {
                mark[c.index()] = true;
            }
        }
    }
    (0..end)
        .map(|i| Id(u32::try_from(i).expect("ids fit u32")))
        .filter(|&id| mark[id.index()] && g.as_const(id).is_none())
        .collect()
}
