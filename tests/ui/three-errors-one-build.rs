use newton::hessian;

fn helper(x: f64) -> f64 {
    x
}

#[hessian]
fn f(x: [f64; 2]) -> f64 {
    let a = x[0].midpoint(2.0);
    let b = helper(x[1]);
    let c = x[0].powi(2) * x[7];
    a + b + c
}

fn main() {}
