package model

// GPUHealth is the workload's GPU alerts, nil when it uses no GPU.
func (w *Workload) GPUHealth() *GPUAlerts {
	if !w.GPU {
		return nil
	}
	return w.GPUAlerts
}
