use newton::hessian;

struct Model {
    scale: f64,
}

impl Model {
    #[hessian]
    fn loss(&mut self, x: f64) -> f64 {
        self.scale * x * x
    }
}

fn main() {}
