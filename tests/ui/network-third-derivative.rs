newton::network! {
    /// A residual with a third derivative.
    pub net {
        inputs: (x),
        hidden: [3, 3],
        activation: sin(1.0),
        residual: u.xxx,
    }
}

fn main() {
    let _ = net::P;
}
