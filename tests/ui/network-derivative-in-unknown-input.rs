newton::network! {
    /// A 2-D PINN whose residual differentiates in an input it does not have.
    pub net {
        inputs: (x, y),
        hidden: [3, 3],
        activation: sin(1.0),
        residual: u.xx + u.zz,
    }
}

fn main() {
    let _ = net::P;
}
