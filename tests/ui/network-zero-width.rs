newton::network! {
    /// A layer without neurons.
    pub net {
        inputs: (x),
        hidden: [0, 3],
        activation: tanh,
        residual: u - y,
    }
}

fn main() {
    let _ = net::P;
}
