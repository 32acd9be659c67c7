newton::network! {
    /// A network with a misspelt field.
    pub net {
        inputs: (x),
        hiden: [3, 3],
        hidden: [3, 3],
        activation: tanh,
        residual: u - y,
    }
}

fn main() {
    let _ = net::P;
}
