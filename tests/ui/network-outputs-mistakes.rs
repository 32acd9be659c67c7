// Every mistake about several outputs is reported in one build: an output that is not in
// parentheses, a repeated output, an output that is also an input, a lift with several
// outputs, a constant that hides an output, and a derivative of a name that is no output.
newton::network! {
    pub not_a_tuple {
        inputs: (x),
        outputs: u,
        hidden: [2],
        activation: tanh,
        residual: u,
    }
}

newton::network! {
    pub coupled {
        inputs: (x, v),
        outputs: (u, v, u),
        hidden: [2],
        activation: tanh,
        lift: x,
        constants: { u: 1.0 },
        residual: u.xx + w.x,
    }
}

fn main() {}
