newton::network! {
    /// An activation without a parameter, given one.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: gelu(1.702),
        residual: u - y,
    }
}

fn main() {
    let _ = net::Network::new().architecture();
}
