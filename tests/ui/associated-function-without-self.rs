use newton::hessian;

struct Model;

impl Model {
    // An associated function that does not name `Self` needs `#[hessian(associated)]`: the
    // macro sees only the function, and emits a module beside a free function.
    #[hessian]
    fn prior(x: f64) -> f64 {
        x * x
    }
}

fn main() {}
