newton::network! {
    /// A network with an activation newton does not know.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: relu,
        residual: u - y,
    }
}

fn main() {
    let _ = net::Network::new().architecture();
}
