use super::*;

/// `out = Σ (sin(x0) + eᵢ) + x0`; returns the graph and `[x0, sin(x0), eᵢ, body, Σ, out]`.
/// (A product `sin(x0)·eᵢ` would not do: the simplifier moves the loop-invariant factor out.)
fn one_loop() -> (Graph, [Id; 6]) {
    let mut g = Graph::new();
    let x = g.intern(Node::Input(0));
    let a = g.call(Func::Sin, x);
    let e = g.new_extern(Some(LoopId(0)));
    let body = g.add(a, e);
    let s = g.sum(LoopId(0), body);
    let out = g.add(s, x);
    (g, [x, a, e, body, s, out])
}

#[test]
fn a_loop_follows_the_lets_its_body_needs() {
    let (g, [x, a, e, body, s, out]) = one_loop();
    assert_eq!(
        schedule(&g, &[out]),
        vec![
            Item::Let(x),
            Item::Let(a),
            Item::Loop {
                lp: LoopId(0),
                sums: vec![s],
                body: vec![e, body],
            },
            Item::Let(out),
        ]
    );
}

/// A mean, then the spread around it: the second loop reads the first loop's sum, so it is
/// scheduled after it although its extern has the smaller id.
fn mean_then_spread() -> (Graph, Id) {
    let mut g = Graph::new();
    let x = g.intern(Node::Input(0));
    let y1 = g.new_extern(Some(LoopId(1)));
    let y0 = g.new_extern(Some(LoopId(0)));
    let t0 = g.mul(x, y0);
    let s0 = g.sum(LoopId(0), t0);
    let mean = g.mul(x, s0);
    let r = g.sub(y1, mean);
    let t1 = g.mul(r, r);
    let s1 = g.sum(LoopId(1), t1);
    let out = g.add(s1, x);
    (g, out)
}

#[test]
fn a_loop_reading_another_loops_sum_comes_after_it() {
    let (g, out) = mean_then_spread();
    let items = schedule(&g, &[out]);
    let position = |wanted: &dyn Fn(&Item) -> bool| {
        items
            .iter()
            .position(wanted)
            .unwrap_or_else(|| panic!("missing item in {items:?}"))
    };
    let loop0 = position(&|i| matches!(i, Item::Loop { lp: LoopId(0), .. }));
    let loop1 = position(&|i| matches!(i, Item::Loop { lp: LoopId(1), .. }));
    let Some(Item::Loop { sums, .. }) = items.get(loop0) else {
        unreachable!()
    };
    let mean = position(&|i| match i {
        Item::Let(id) => matches!(g.node(*id), Node::Mul(_, s) if s == sums[0]),
        Item::Loop { .. } => false,
    });
    assert!(loop0 < mean && mean < loop1, "{items:?}");
    assert_eq!(items.last(), Some(&Item::Let(out)));
    // Every node is scheduled once, constants not at all.
    let mut scheduled: Vec<Id> = items
        .iter()
        .flat_map(|i| match i {
            Item::Let(id) => vec![*id],
            Item::Loop { sums, body, .. } => sums.iter().chain(body).copied().collect(),
        })
        .collect();
    let count = scheduled.len();
    scheduled.sort();
    scheduled.dedup();
    assert_eq!(scheduled.len(), count, "{items:?}");
    assert!(scheduled.iter().all(|&id| g.as_const(id).is_none()));
}

#[test]
fn the_schedule_is_deterministic() {
    let (g, out) = mean_then_spread();
    let first = schedule(&g, &[out]);
    assert_eq!(schedule(&g, &[out]), first);
    for _ in 0..8 {
        let (g, out) = mean_then_spread();
        assert_eq!(schedule(&g, &[out]), first);
    }
    let (mut g, out) = mean_then_spread();
    let d = differentiate(&mut g, out, 1);
    let outputs: Vec<Id> = std::iter::once(d.value)
        .chain(d.gradient.iter().copied())
        .chain(d.hessian.iter().map(|h| h.2))
        .collect();
    let first = schedule(&g, &outputs);
    for _ in 0..8 {
        let (mut g, out) = mean_then_spread();
        let d = differentiate(&mut g, out, 1);
        let again: Vec<Id> = std::iter::once(d.value)
            .chain(d.gradient.iter().copied())
            .chain(d.hessian.iter().map(|h| h.2))
            .collect();
        assert_eq!(again, outputs);
        assert_eq!(schedule(&g, &again), first);
    }
}

/// The derivative of a loop is a loop: differentiating keeps the sum rolled.
#[test]
fn derivatives_of_a_loop_stay_in_loops() {
    let (mut g, [x, .., out]) = one_loop();
    let d = differentiate(&mut g, out, 1);
    let items = schedule(&g, &[d.gradient[0], d.hessian[0].2]);
    let loops: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i, Item::Loop { .. }))
        .collect();
    assert_eq!(loops.len(), 1, "one loop computes every sum: {items:?}");
    let Item::Loop { sums, .. } = loops[0] else {
        unreachable!()
    };
    assert_eq!(sums.len(), 2, "Σ cos(x0) and Σ sin(x0): {items:?}");
    assert!(items.contains(&Item::Let(x)));
}
