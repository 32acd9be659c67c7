newton::network! {
    /// A declaration that says it has no target, and a residual that uses one.
    pub net {
        inputs: (x, y),
        hidden: [3, 3],
        activation: tanh,
        target: none,
        residual: u - target * y,
    }
}

fn main() {
    let _ = net::P;
}
