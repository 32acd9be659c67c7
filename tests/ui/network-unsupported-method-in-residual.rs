newton::network! {
    /// A residual with a method `#[hessian]` cannot differentiate.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        residual: u.midpoint(2.0) - y,
    }
}

fn main() {
    let _ = net::Network::new();
}
