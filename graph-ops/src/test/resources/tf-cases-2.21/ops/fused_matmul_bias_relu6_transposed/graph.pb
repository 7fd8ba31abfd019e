
2
aPlaceholder*
dtype0*
shape
:!
2
bPlaceholder*
dtype0*
shape
:!
1
biasPlaceholder*
dtype0*
shape:
ญ
dense_FusedMatMulabbias*
T0*
epsilon%ทั8*
	fused_ops
BiasAddRelu6*
leakyrelu_alpha%อฬL>*
num_args*
transpose_a(*
transpose_b("ช