use newton::hessian;

#[hessian]
fn f(x: [f64; 2]) -> f64 {
    x[0].midpoint(2.0) + x[1]
}

fn main() {
    let g = f::gradient([1.0, 2.0]);
    let h = f::hessian([1.0, 2.0]);
    let (v, _, _) = f::value_gradient_hessian([1.0, 2.0]);
    let o = f::Objective;
    let _: (f64, f64, f64, usize) = (g[0], h[(0, 1)], v, f::DIM);
    let _ = o;
}
