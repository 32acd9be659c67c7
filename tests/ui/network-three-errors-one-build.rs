newton::network! {
    /// Three mistakes, reported together.
    pub net {
        inputs: (x),
        hidden: [3, 3.5],
        activation: mish,
        embedding: fourier(0),
        residual: u - y,
    }
}

fn main() {
    let _ = net::P;
}
