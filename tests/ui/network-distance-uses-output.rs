newton::network! {
    /// A distance function that depends on the output.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: sin(1.0),
        distance: x * u,
        residual: u.xx,
    }
}

fn main() {
    let _ = net::P;
}
