newton::network! {
    /// A network without a residual.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
    }
}

fn main() {
    let _ = net::Network::new();
}
