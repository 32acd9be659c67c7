use newton::hessian;

#[hessian]
fn f(x: f64, y: f32) -> f64 {
    x * x + y as f64
}

fn main() {}
