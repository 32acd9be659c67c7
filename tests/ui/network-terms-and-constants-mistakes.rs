// Every mistake in `constants:` and `residuals:` is reported in one build.
newton::network! {
    pub both {
        inputs: (x),
        hidden: [2],
        activation: tanh,
        constants: { x: 1.0, kappa: 2.0, kappa: 3.0 },
        residual: u,
        residuals: { pde: u.xx, pde: u },
    }
}

newton::network! {
    pub not_a_list {
        inputs: (x),
        hidden: [2],
        activation: tanh,
        constants: 0.1,
        residuals: {},
    }
}

fn main() {}
