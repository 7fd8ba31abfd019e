
:
xPlaceholder*
dtype0*
shape:
:
fPlaceholder*
dtype0*
shape:
.
bPlaceholder*
dtype0*
shape:
๒
fused_depthwise_FusedDepthwiseConv2dNativexfb*
T0*
data_formatNHWC*
	dilations
*
epsilon%ทั8*
	fused_ops
BiasAddRelu*
leakyrelu_alpha%อฬL>*
num_args*
paddingSAME*
strides
"ช