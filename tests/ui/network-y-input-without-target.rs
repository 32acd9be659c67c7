newton::network! {
    /// A fit over the plane whose residual says `y`: the coordinate, or the target?
    pub net {
        inputs: (x, y),
        hidden: [3, 3],
        activation: tanh,
        residual: u - y + 0.1 * (PI * y).sin(),
    }
}

fn main() {
    let _ = net::P;
}
