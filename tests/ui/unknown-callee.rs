use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    helpr(x) + 1.0
}

fn main() {}
